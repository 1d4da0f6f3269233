package main

import (
	"time"

	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/reminders"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
)

// newFlows wires the conversations to the database, the texts, the
// curriculum, the question answerer and the rewriter of checked texts
// (nil: none), how learners reach a person, the public address
// certificates are verified at, the clips of the lessons' videos (in
// clipDir), and with drillFeedback a language model comments on scored
// drill answers.
func newFlows(db *store.DB, texts *locales.Catalog, contact, publicURL, clipDir string, ans flows.Answerer, rw flows.Rewriter, drillFeedback bool, exts ...flows.Extension) *flows.Bot {
	return flows.New(flows.Options{Store: db, Texts: texts, Library: store.NewLibrary(db, 0), Clock: time.Now, Answerer: ans, Rewriter: rw,
		Extensions: exts, Contact: contact, PublicURL: publicURL, Quiet: reminders.Quiet, DrillFeedback: drillFeedback,
		Clips: &video.Cutter{Dir: clipDir}})
}
