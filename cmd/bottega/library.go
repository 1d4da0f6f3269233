package main

import (
	"time"

	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/reminders"
	"github.com/bottega-app/bottega/store"
)

// newFlows wires the conversations to the database, the texts, the
// curriculum, the question answerer and the rewriter of checked texts
// (nil: none).
func newFlows(db *store.DB, texts *locales.Catalog, contact string, ans flows.Answerer, rw flows.Rewriter, exts ...flows.Extension) *flows.Bot {
	return flows.New(flows.Options{Store: db, Texts: texts, Library: store.NewLibrary(db, 0), Clock: time.Now, Answerer: ans, Rewriter: rw, Extensions: exts, Contact: contact,
		Quiet: reminders.Quiet})
}
