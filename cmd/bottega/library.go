package main

import (
	"time"

	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store"
	"github.com/bottega-app/bottega/video"
)

// newFlows wires the conversations to the database, the texts, the
// curriculum, the clips of the lessons' videos (in clipDir) and the
// question answerer (nil: none).
func newFlows(db *store.DB, texts *locales.Catalog, contact, clipDir string, ans flows.Answerer, exts ...flows.Extension) *flows.Bot {
	return flows.New(flows.Options{Store: db, Texts: texts, Library: store.NewLibrary(db, 0), Clock: time.Now, Answerer: ans, Extensions: exts, Contact: contact,
		Clips: &video.Cutter{Dir: clipDir}})
}
