package broadcast

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/flows"
)

// Texts renders interface messages (locales.Catalog).
type Texts interface {
	T(lang, id string, data map[string]any) string
}

// Library gives the current curriculum.
type Library interface {
	Current(ctx context.Context) (*content.Curriculum, int64, error)
}

// Messages renders deliveries in each learner's language: a new lesson with
// a button that opens it, an admin's text as written, a reminder with a
// button that leads to what is due.
type Messages struct {
	Texts   Texts
	Library Library
}

// Render implements Config.Render.
func (m Messages) Render(ctx context.Context, d bottega.Delivery) (bot.Reply, error) {
	lang := d.Locale
	switch {
	case d.Kind == bottega.DeliveryReminder:
		return m.reminder(ctx, d)
	case d.BroadcastKind == bottega.BroadcastText:
		return bot.Reply{Text: d.Text}, nil
	case d.BroadcastKind == bottega.BroadcastLesson:
		cur, _, err := m.Library.Current(ctx)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("render new lesson: %w", err)
		}
		l := cur.Lesson(d.LessonID)
		if l == nil {
			return bot.Reply{}, fmt.Errorf("render new lesson: lesson %q is not published", d.LessonID)
		}
		text := m.Texts.T(lang, "admin_new_lesson", map[string]any{
			"Title": l.Title.Get(lang), "Summary": l.Summary.Get(lang), "Minutes": l.Minutes,
		})
		if d.Text != "" {
			text = d.Text + "\n\n" + text
		}
		return bot.Reply{
			Text:    text,
			Buttons: [][]bot.Button{{{Label: m.Texts.T(lang, "admin_btn_open_lesson", nil), Data: flows.OpenLessonData(l.ID, "")}}},
		}, nil
	}
	return bot.Reply{}, fmt.Errorf("render delivery %d: unknown kind %q/%q", d.ID, d.Kind, d.BroadcastKind)
}

func (m Messages) reminder(ctx context.Context, d bottega.Delivery) (bot.Reply, error) {
	var p bottega.ReminderPayload
	if err := json.Unmarshal(d.Payload, &p); err != nil {
		return bot.Reply{}, fmt.Errorf("render reminder: %w", err)
	}
	lang := d.Locale
	var (
		lines []string
		row   []bot.Button
	)
	if p.Lesson != "" {
		cur, _, err := m.Library.Current(ctx)
		if err != nil {
			return bot.Reply{}, fmt.Errorf("render reminder: %w", err)
		}
		if l := cur.Lesson(p.Lesson); l != nil {
			lines = append(lines, m.Texts.T(lang, "admin_reminder_lesson", map[string]any{"Title": l.Title.Get(lang), "Name": d.Name}))
			row = append(row, bot.Button{Label: m.Texts.T(lang, "admin_btn_continue", nil), Data: flows.OpenLessonData(l.ID, "")})
		}
	}
	if p.Reviews > 0 {
		lines = append(lines, m.Texts.T(lang, "admin_reminder_review", map[string]any{"Count": p.Reviews, "Name": d.Name}))
		row = append(row, bot.Button{Label: m.Texts.T(lang, "admin_btn_review", nil), Data: flows.ReviewData()})
	}
	if len(lines) == 0 {
		return bot.Reply{}, fmt.Errorf("render reminder %d: nothing to do any more", d.ID)
	}
	lines = append(lines, m.Texts.T(lang, "admin_reminder_off_hint", nil))
	return bot.Reply{Text: strings.Join(lines, "\n"), Buttons: [][]bot.Button{row}}, nil
}
