package assistant

import (
	"context"
	"fmt"

	"github.com/bottega-app/bottega/store"
)

// SearchStore is what retrieval needs from the database.
type SearchStore interface {
	SearchPassages(ctx context.Context, q store.PassageQuery) ([]store.PassageHit, error)
}

// Retriever finds the passages of the curriculum that answer a question.
type Retriever struct {
	db SearchStore
}

// NewRetriever returns a Retriever over db.
func NewRetriever(db SearchStore) *Retriever { return &Retriever{db: db} }

// maxQueryWords bounds the words of a question that are searched for.
const maxQueryWords = 32

// Search returns up to limit passages for question, best first, in locale
// (lessons without it are searched in Italian and English), favouring the
// lessons meant for role. A passage found in several locales is shown as
// the lessons are: in the learner's, else in English unless they speak
// Italian.
func (r *Retriever) Search(ctx context.Context, locale, role, question string, limit int) ([]store.PassageHit, error) {
	ws := queryWords(question, locale, maxQueryWords)
	if len(ws) == 0 {
		return nil, nil
	}
	hits, err := r.db.SearchPassages(ctx, store.PassageQuery{
		Words:    ws,
		Locale:   locale,
		Fallback: []string{"it", "en"},
		Show:     showLocales(locale),
		Role:     role,
		Limit:    limit,
	})
	if err != nil {
		return nil, fmt.Errorf("retrieve passages: %w", err)
	}
	return hits, nil
}

// showLocales are the locales to show a passage in, best first, as the
// lessons choose theirs (flows: English for those who do not speak Italian).
func showLocales(locale string) []string {
	if locale == "it" {
		return []string{"it", "en"}
	}
	return []string{locale, "en", "it"}
}
