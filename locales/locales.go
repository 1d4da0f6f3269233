// Package locales owns every interface text a learner reads, as go-i18n
// message files (one per language, embedded), and renders them. Lookups
// never panic: a missing message falls back to Italian, then English, then
// the message id itself.
package locales

import (
	"embed"
	"fmt"
	"io/fs"
	"strings"

	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
	"gopkg.in/yaml.v3"
)

//go:embed *.yaml
var files embed.FS

// Default is the language used when nothing else is known.
const Default = "it"

// Supported lists the interface languages, in the order menus show them.
var Supported = []string{"it", "en", "es", "fr", "de", "pl"}

// Catalog renders messages in the supported languages.
type Catalog struct {
	bundle     *i18n.Bundle
	localizers map[string]*i18n.Localizer
}

// Load reads the embedded message files.
func Load() (*Catalog, error) {
	return LoadFS(files)
}

// LoadFS reads every <lang>.yaml message file in fsys.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	b := i18n.NewBundle(language.Italian)
	b.RegisterUnmarshalFunc("yaml", yaml.Unmarshal)
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := b.LoadMessageFileFS(fsys, n); err != nil {
			return nil, fmt.Errorf("load messages %s: %w", n, err)
		}
	}
	c := &Catalog{bundle: b, localizers: map[string]*i18n.Localizer{}}
	for _, l := range Supported {
		c.localizers[l] = i18n.NewLocalizer(b, l, "it", "en")
	}
	return c, nil
}

// Match maps a platform language code ("it-IT", "en", "pt-BR") to a supported
// language: the same language if we have it, Italian when nothing is known,
// English for everyone else.
func Match(code string) string {
	code = strings.ToLower(strings.TrimSpace(code))
	if code == "" {
		return Default
	}
	base, _, _ := strings.Cut(strings.ReplaceAll(code, "_", "-"), "-")
	for _, l := range Supported {
		if l == base {
			return l
		}
	}
	return "en"
}

// IsSupported reports whether lang is an interface language.
func IsSupported(lang string) bool {
	for _, l := range Supported {
		if l == lang {
			return true
		}
	}
	return false
}

// T renders message id in lang with data (may be nil).
func (c *Catalog) T(lang, id string, data map[string]any) string {
	return c.render(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: data})
}

// N renders the plural form of message id for count n; data gets Count = n.
func (c *Catalog) N(lang, id string, n int, data map[string]any) string {
	d := map[string]any{"Count": n}
	for k, v := range data {
		d[k] = v
	}
	return c.render(lang, &i18n.LocalizeConfig{MessageID: id, TemplateData: d, PluralCount: n})
}

func (c *Catalog) render(lang string, cfg *i18n.LocalizeConfig) string {
	loc, ok := c.localizers[lang]
	if !ok {
		loc = c.localizers[Default]
	}
	s, err := loc.Localize(cfg)
	if err != nil && s == "" {
		return cfg.MessageID
	}
	return s
}

// Has reports whether lang itself (without fallback) defines message id.
func (c *Catalog) Has(lang, id string) bool {
	for _, t := range c.bundle.LanguageTags() {
		if t.String() == lang {
			_, err := i18n.NewLocalizer(c.bundle, lang).Localize(&i18n.LocalizeConfig{MessageID: id})
			_, missing := err.(*i18n.MessageNotFoundErr)
			return !missing
		}
	}
	return false
}
