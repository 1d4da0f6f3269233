package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/bottega-app/bottega/assistant/eval"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/locales"
)

func runEval(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "eval", "Ask the evaluation questions through the assistant without an LLM, with the built-in curriculum, "+
		"and print how many answers quote the step that answers them, have the right lesson among the 5 best passages, "+
		"wrongly say the lessons do not cover them, or decline what they should; by half of the set (tuning, held-out), "+
		"interface language, persona and language, then the misses. Nothing is kept in the database.")
	file := fs.String("questions", "assistant/eval/questions.yaml", "the question set")
	half := fs.String("half", "both", "which half to report: tuning, heldout or both (tune on the tuning half only)")
	uis := fs.String("ui", "it,en,de", "interface languages each question is also asked with, besides its own (none: \"\")")
	misses := fs.String("misses", "tuning", "which half's misses to list: tuning, heldout, both or none (reading the held-out half's spoils it for tuning)")
	verbose := fs.Bool("v", false, "show the answers of the misses")
	dump := fs.String("json", "", "also write the outcomes of the halves reported to this file, a JSON object a line")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	halves, ok := evalHalves(*half)
	if !ok {
		return usagef("-half must be tuning, heldout or both, not %q", *half)
	}
	listed, ok := evalHalves(*misses)
	if !ok && *misses != "none" {
		return usagef("-misses must be tuning, heldout, both or none, not %q", *misses)
	}
	interfaces := []string{}
	for _, ui := range strings.Split(*uis, ",") {
		if ui = strings.TrimSpace(ui); ui != "" {
			if !locales.IsSupported(ui) {
				return usagef("-ui: %q is not one of %v", ui, locales.Supported)
			}
			interfaces = append(interfaces, ui)
		}
	}
	data, err := os.ReadFile(*file)
	if err != nil {
		return usagef("read the questions: %v (run it from the repository, or name the file with -questions)", err)
	}
	qs, err := eval.Parse(data)
	if err != nil {
		return err
	}
	c, err := content.Builtin()
	if err != nil {
		return err
	}
	if errs := eval.Validate(qs, c); len(errs) > 0 {
		for _, err := range errs {
			fmt.Fprintf(e.stderr, "%s: %v\n", *file, err)
		}
		return errors.New("the question set has mistakes")
	}
	texts, err := locales.Load()
	if err != nil {
		return fmt.Errorf("load messages: %w", err)
	}
	_, _, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	var sel []eval.Question
	byID := map[string]eval.Question{}
	for _, q := range qs {
		byID[q.ID] = q
	}
	for _, q := range qs {
		if slices.Contains(halves, eval.Half(q.ID)) {
			if q.Follows != "" && !slices.Contains(halves, eval.Half(q.Follows)) {
				// The question it follows is asked first, whatever its half.
				sel = append(sel, byID[q.Follows])
			}
			sel = append(sel, q)
		}
	}
	outs, err := eval.Run(ctx, db, texts, c, sel, eval.Options{Interfaces: interfaces})
	if err != nil {
		return err
	}
	if *dump != "" {
		if err := writeOutcomes(*dump, outs, halves); err != nil {
			return err
		}
	}
	fmt.Fprintf(e.stdout, "%d questions (%s), mode offline, interfaces: own, %s\n\n", len(qs), *half, strings.Join(interfaces, ", "))
	return eval.Print(e.stdout, outs, halves, listed, *verbose)
}

// evalHalves reads a half of the question set as -half and -misses name
// it.
func evalHalves(name string) ([]string, bool) {
	switch name {
	case "tuning":
		return []string{eval.Tuning}, true
	case "heldout":
		return []string{eval.HeldOut}, true
	case "both":
		return []string{eval.Tuning, eval.HeldOut}, true
	}
	return nil, false
}

// writeOutcomes writes the outcomes of outs in halves to file as JSON
// lines, for analysis. The question a follow-up follows is asked whatever
// its half; it is left out when its half is not one of halves, so that a
// dump of the tuning half tells nothing of the held-out half.
func writeOutcomes(file string, outs []eval.Outcome, halves []string) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for _, o := range outs {
		if !slices.Contains(halves, o.Half) {
			continue
		}
		if err := enc.Encode(o); err != nil {
			return fmt.Errorf("write outcomes: %w", err)
		}
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil { // #nosec G306 -- evaluation results of a public question set
		return fmt.Errorf("write outcomes: %w", err)
	}
	return nil
}
