// Package certificate makes the PDF certificate of a completed track, in
// the learner's language, with the Go fonts embedded (so that every
// accented letter of the six languages prints: à, ł, ą, ę, ß), serves the
// public page that verifies one (/verify/<code>: name, track and date, or
// that it was revoked, and nothing else), and sends the PDF to the learner
// as a deferred task after the update that issued it is committed.
package certificate

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"github.com/go-pdf/fpdf"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
)

// Texts renders messages (locales.Catalog).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Store finds certificates.
type Store interface {
	// Certificate returns the certificate with the code; found is false
	// when there is none.
	FindCertificate(ctx context.Context, code string) (c bottega.Certificate, found bool, err error)
}

// Date writes a day as people of the language write it.
func Date(lang string, c bottega.Certificate) string {
	d := c.IssuedAt
	switch lang {
	case "en":
		return d.Format("2 January 2006")
	case "de":
		return d.Format("02.01.2006")
	case "pl":
		return d.Format("02.01.2006")
	}
	return d.Format("02/01/2006") // it, es, fr
}

// hours writes the hours of training: "3", "2,5" or "2.5".
func hours(lang string, h float64) string {
	s := strconv.FormatFloat(h, 'f', -1, 64)
	if lang != "en" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return s
}

// Render makes the certificate's PDF: A4 landscape, one page, in the
// certificate's language. Its bytes depend only on the certificate and the
// verification URL (the PDF's dates are the day of issue), so the same
// certificate renders the same file every time.
func Render(texts Texts, c bottega.Certificate, verifyURL string) ([]byte, error) {
	lang := c.Locale
	t := func(id string, data map[string]any) string { return texts.T(lang, id, data) }
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCreationDate(c.IssuedAt)
	pdf.SetModificationDate(c.IssuedAt)
	pdf.SetCatalogSort(true)
	// A name issued before emoji were refused must still render: the
	// fonts have no symbols, and the PDF library no character past
	// U+FFFF.
	c.Name = printable(c.Name)
	pdf.SetTitle(t("cert_pdf_title", nil)+" · "+c.Name, true)
	pdf.SetCreator("Bottega", true)
	pdf.SetProducer("Bottega", true)
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.SetMargins(22, 18, 22)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	w, h := pdf.GetPageSize()

	// A double frame.
	pdf.SetDrawColor(0x3a, 0x7c, 0xc0)
	pdf.SetLineWidth(1.2)
	pdf.Rect(10, 10, w-20, h-20, "D")
	pdf.SetLineWidth(0.3)
	pdf.Rect(13, 13, w-26, h-26, "D")

	center := func(y float64, style string, size float64, text string) {
		pdf.SetFont("go", style, size)
		pdf.SetXY(22, y)
		pdf.CellFormat(w-44, size*0.5, text, "", 0, "C", false, 0, "")
	}
	pdf.SetTextColor(0x1f, 0x3a, 0x5f)
	center(26, "B", 30, t("cert_pdf_title", nil))
	pdf.SetTextColor(0x33, 0x33, 0x33)
	center(46, "", 14, t("cert_pdf_intro", nil))
	pdf.SetTextColor(0x10, 0x10, 0x10)
	center(58, "B", 28, c.Name)
	pdf.SetTextColor(0x33, 0x33, 0x33)
	center(76, "", 14, t("cert_pdf_completed", nil))
	pdf.SetTextColor(0x1f, 0x3a, 0x5f)
	center(86, "B", 20, c.TrackTitle)

	// The lessons, in two columns when they are many.
	pdf.SetTextColor(0x33, 0x33, 0x33)
	pdf.SetFont("go", "B", 11)
	pdf.SetXY(30, 102)
	pdf.CellFormat(w-60, 6, fmt.Sprintf("%s (%d)", t("cert_pdf_lessons", nil), len(c.Lessons)), "", 0, "L", false, 0, "")
	pdf.SetFont("go", "", 9)
	cols := 1
	if len(c.Lessons) > 8 {
		cols = 2
	}
	perCol := (len(c.Lessons) + cols - 1) / cols
	colW := (w - 60) / float64(cols)
	line := 4.6
	if perCol > 12 {
		line = 55.0 / float64(perCol)
	}
	for i, title := range c.Lessons {
		col, row := i/max(perCol, 1), i%max(perCol, 1)
		pdf.SetXY(30+float64(col)*colW, 109+float64(row)*line)
		pdf.CellFormat(colW-4, line, fmt.Sprintf("%d. %s", i+1, clip(pdf, title, colW-8)), "", 0, "L", false, 0, "")
	}

	// Hours, date, code and where to verify it.
	pdf.SetFont("go", "", 11)
	pdf.SetXY(30, h-38)
	pdf.CellFormat(w/2-30, 6, t("cert_pdf_hours", map[string]any{"Hours": hours(lang, c.Hours())}), "", 0, "L", false, 0, "")
	pdf.SetXY(w/2, h-38)
	pdf.CellFormat(w/2-30, 6, t("cert_pdf_date", map[string]any{"Date": Date(lang, c)}), "", 0, "R", false, 0, "")
	pdf.SetFont("go", "", 9)
	pdf.SetXY(30, h-30)
	pdf.CellFormat(w/2-30, 5, t("cert_pdf_code", map[string]any{"Code": c.Code}), "", 0, "L", false, 0, "")
	pdf.SetXY(w/2-20, h-30)
	pdf.CellFormat(w/2-10, 5, t("cert_pdf_verify", map[string]any{"URL": verifyURL}), "", 0, "R", false, 0, verifyURL)

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("render certificate: %w", err)
	}
	return buf.Bytes(), nil
}

// clip shortens text to fit width millimetres in the current font.
func clip(pdf *fpdf.Fpdf, text string, width float64) string {
	if pdf.GetStringWidth(text) <= width {
		return text
	}
	r := []rune(text)
	for len(r) > 1 && pdf.GetStringWidth(string(r)+"…") > width {
		r = r[:len(r)-1]
	}
	return strings.TrimSpace(string(r)) + "…"
}

// Task sends certificates' PDFs: register it with the dispatcher under
// bottega.CertificateTask.
type Task struct {
	Store     Store
	Texts     Texts
	PublicURL string
}

// Run implements bot.TaskFunc: it renders the certificate named in data
// and sends it to the chat. A certificate gone meanwhile (the learner
// deleted their data) sends nothing.
func (k Task) Run(ctx context.Context, s bot.Sender, chatID string, data json.RawMessage) error {
	var d bottega.CertificateTaskData
	if err := json.Unmarshal(data, &d); err != nil {
		return fmt.Errorf("certificate task: %w", err)
	}
	c, found, err := k.Store.FindCertificate(ctx, d.Code)
	if err != nil || !found {
		return err
	}
	pdf, err := Render(k.Texts, c, bottega.VerifyURL(k.PublicURL, c.Code))
	if err != nil {
		return err
	}
	name := "certificate-" + c.Code + ".pdf"
	_, err = s.Send(ctx, chatID, bot.Reply{
		Text: k.Texts.T(c.Locale, "cert_pdf_caption", map[string]any{"Code": c.Code}),
		File: &bot.File{Name: name, Data: pdf},
	})
	if errors.Is(err, bot.ErrBlocked) {
		return nil
	}
	return err
}

// printable is s without the characters a certificate's fonts cannot
// print: symbols (emoji) and anything past U+FFFF.
func printable(s string) string {
	return strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r > 0xFFFF || unicode.Is(unicode.So, r) || unicode.Is(unicode.Sk, r) {
			return -1
		}
		return r
	}, s)), " ")
}
