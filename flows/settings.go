package flows

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/locales"
	schedule "github.com/bottega-app/bottega/reminders"
)

// The learner's choices, asked in this order by onboarding (one tap each,
// each skippable) and changed one at a time in the settings.
const (
	fieldLang     = "lang"
	fieldRole     = "role"
	fieldLevel    = "level"
	fieldReminder = "rem"
	fieldConsent  = "ok"
	fieldVideo    = "vid" // watch the lessons' clips or read only; settings only
)

// settingsFields are the fields the settings change: onboarding's, and how
// lessons with a video are shown.
func settingsFields() []string { return append(fieldOrder(), fieldVideo) }

// fieldOrder is the order of the onboarding questions.
func fieldOrder() []string {
	return []string{fieldLang, fieldRole, fieldLevel, fieldReminder, fieldConsent}
}

// skip is the value of a "skip" button in onboarding.
const skip = "-"

// choice is one answer to a field: its value in button data and its label.
type choice struct{ value, label string }

// endonyms name each language in itself.
func endonym(lang string) string {
	switch lang {
	case "it":
		return "Italiano"
	case "en":
		return "English"
	case "es":
		return "Español"
	case "fr":
		return "Français"
	case "de":
		return "Deutsch"
	case "pl":
		return "Polski"
	}
	return lang
}

// reminder is a reminder time offered: its button value and how the
// learner's row keeps it.
type reminder struct{ value, at string }

func reminders() []reminder {
	return []reminder{{"9", "09:00"}, {"13", "13:00"}, {"19", "19:00"}, {"off", ""}}
}

// choices lists the answers to a field; onboarding offers consent but not
// its withdrawal.
func (t *turn) choices(field string, onboarding bool) []choice {
	var cs []choice
	switch field {
	case fieldLang:
		for _, l := range locales.Supported {
			cs = append(cs, choice{l, endonym(l)})
		}
	case fieldRole:
		for _, r := range bottega.Roles() {
			cs = append(cs, choice{r, t.T("role_"+r, nil)})
		}
	case fieldLevel:
		for _, l := range []string{bottega.LevelBase, bottega.LevelIntermediate} {
			cs = append(cs, choice{l, t.T("level_"+l, nil)})
		}
	case fieldReminder:
		for _, r := range reminders() {
			cs = append(cs, choice{r.value, t.T("reminder_"+r.value, nil)})
		}
	case fieldConsent:
		cs = append(cs, choice{"yes", t.T("consent_give", nil)})
		if !onboarding {
			cs = append(cs, choice{"no", t.T("consent_withdraw", nil)})
		}
	case fieldVideo:
		cs = append(cs, choice{"watch", t.T("video_watch", nil)}, choice{"read", t.T("video_read", nil)})
	}
	return cs
}

// quietReminder says that a reminder at would never go out (see
// schedule.QuietAt), and asks the question again.
func (t *turn) quietReminder(at string) ([]bot.Reply, error) {
	from, to := schedule.QuietOpen()
	t.note("reminder_quiet", map[string]any{"Time": at, "From": from, "To": to})
	return t.show()
}

// reminderValue is the answer to the reminder question for a time of day
// ("HH:MM"): the choice offered for it, or the time itself.
func reminderValue(at string) string {
	for _, r := range reminders() {
		if r.at == at {
			return r.value
		}
	}
	return at
}

// offered reports whether v answers field: one of its choices, or for the
// reminder a time of day the learner typed ("15:30").
func (t *turn) offered(field, v string, onboarding bool) bool {
	return field == fieldReminder && typedTime(v) ||
		slices.ContainsFunc(t.choices(field, onboarding), func(c choice) bool { return c.value == v })
}

// typedTime reports whether v is a time of day as "HH:MM".
func typedTime(v string) bool {
	_, err := time.Parse("15:04", v)
	return err == nil && len(v) == 5
}

// value is the learner's current answer to a field.
func (t *turn) value(field string) string {
	switch field {
	case fieldLang:
		return t.l.Locale
	case fieldRole:
		return t.l.Role
	case fieldLevel:
		return t.l.Level
	case fieldReminder:
		for _, r := range reminders() {
			if r.at == t.l.Reminder {
				return r.value
			}
		}
	case fieldConsent:
		if t.l.ConsentAt != nil {
			return "yes"
		}
		return "no"
	case fieldVideo:
		if t.st.Read {
			return "read"
		}
		return "watch"
	}
	return ""
}

// set stores an answer to a field.
func (t *turn) set(field, v string) error {
	switch field {
	case fieldLang:
		t.l.Locale = v
	case fieldRole:
		t.l.Role = v
	case fieldLevel:
		t.l.Level = v
	case fieldReminder:
		if typedTime(v) {
			t.l.Reminder = v
		}
		for _, r := range reminders() {
			if r.value == v {
				t.l.Reminder = r.at
			}
		}
	case fieldConsent:
		var err error
		if v == "yes" {
			err = t.giveConsent()
		} else if v == "no" {
			err = t.withdrawConsent()
		}
		if err != nil {
			return fmt.Errorf("save %s: %w", field, err)
		}
		return nil
	case fieldVideo:
		t.st.Read = v == "read" // kept with the state
		return nil
	}
	if err := t.saveLearner(); err != nil {
		return fmt.Errorf("save %s: %w", field, err)
	}
	return nil
}

// start answers /start: a new learner begins onboarding (a deep link they
// came with opens after it); a known one is welcomed back where they were,
// or taken where the link points.
func (t *turn) start(payload string) ([]bot.Reply, error) {
	if code, isCohort := parseCohortLink(payload); isCohort {
		// An invitation code: the learner joins its course, then starts
		// as anyone else.
		joined, err := t.joinCohort(code)
		if err != nil {
			return nil, err
		}
		if !joined {
			t.note("cohort_unknown", nil)
		}
		payload = ""
	}
	kind, id, ok := parseLink(payload)
	if ok && (kind == linkLesson && t.cur.Lesson(id) == nil || kind == linkTrack && t.cur.Track(id) == nil) {
		ok = false
	}
	if payload != "" && !ok {
		t.note("link_invalid", nil)
	}
	if t.isNew {
		t.st = State{V: stateVersion}
		if ok {
			t.st.Link = payload
		}
		t.goTo(onbPrefix + fieldLang)
		t.greet = true
		return t.show()
	}
	if ok {
		return t.openLink(kind, id)
	}
	if t.st.Screen != onbPrefix+fieldLang {
		t.note("welcome_back", map[string]any{"Name": t.l.Name})
	} else {
		// The onboarding's first question says hello itself: one greeting.
		t.greet = true
	}
	if !strings.HasPrefix(t.st.Screen, onbPrefix) {
		t.goTo(scrMenu)
	}
	return t.show()
}

func (t *turn) openLink(kind, id string) ([]bot.Reply, error) {
	if kind == linkLesson {
		return t.openLesson(t.cur.Lesson(id), -1)
	}
	t.st.Track, t.st.Page = id, 0
	t.goTo(scrTrack)
	return t.show()
}

func (t *turn) showOnboarding() (bot.Reply, error) {
	f := strings.TrimPrefix(t.st.Screen, onbPrefix)
	n := slices.Index(fieldOrder(), f)
	text := t.T("ask_"+f, nil)
	if f == fieldLang && t.greet {
		// Shown again (after an answer to a question, a word it did not
		// understand), the question comes without the greeting.
		text = t.T("hello", map[string]any{"Name": t.l.Name}) + "\n" + t.T("automated", map[string]any{"Contact": t.b.contact}) + "\n\n" + text
	}
	text = fmt.Sprintf("%s\n\n(%d/%d)", text, n+1, len(fieldOrder()))
	rows := t.choiceRows(f, true)
	skipLabel := "btn_skip"
	if f == fieldReminder {
		skipLabel = "" // "no thanks" is the skip
	}
	if skipLabel != "" {
		rows = append(rows, []bot.Button{t.btn(skipLabel, actChoose, f, skip)})
	}
	return bot.Reply{Text: text, Buttons: rows}, nil
}

// choiceRows lays out a field's answers, the current one ticked.
func (t *turn) choiceRows(f string, onboarding bool) [][]bot.Button {
	cur := t.value(f)
	var rows [][]bot.Button
	for i, c := range t.choices(f, onboarding) {
		label := c.label
		if c.value == cur && (f == fieldLang || !onboarding) && f != fieldConsent {
			label = "✓ " + label
		}
		b := bot.Button{Label: label, Data: encode(actChoose, f, c.value)}
		if f == fieldLang && i%2 == 1 {
			rows[len(rows)-1] = append(rows[len(rows)-1], b) // languages two by two
			continue
		}
		rows = append(rows, []bot.Button{b})
	}
	return rows
}

func (t *turn) showPicker() (bot.Reply, error) {
	f := strings.TrimPrefix(t.st.Screen, setPrefix)
	rows := append(t.choiceRows(f, false), []bot.Button{t.btn("btn_back", actSettings)})
	prompt := "ask_" + f
	if f == fieldConsent {
		prompt = "privacy" // the onboarding question says "last thing"
	}
	return bot.Reply{Text: t.T(prompt, nil), Buttons: rows}, nil
}

// choose takes an answer to a field: c|<field>|<value>. In onboarding it
// moves to the next question; elsewhere it goes back to the settings.
func (t *turn) choose(args []string) ([]bot.Reply, error) {
	f, v := args[0], args[1]
	if !slices.Contains(settingsFields(), f) {
		return t.expired()
	}
	onboarding := t.st.Screen == onbPrefix+f
	switch {
	case v == skip && onboarding:
		if f == fieldConsent {
			// No consent, no reminder, as the question says; a time
			// chosen at the question before is not dropped silently.
			at := t.l.Reminder
			t.l.Reminder = ""
			if s := t.st.Session; s != nil {
				at = cmp.Or(at, s.Reminder)
				s.Reminder = ""
			}
			if at != "" {
				t.note("reminder_dropped", map[string]any{"Time": at})
			}
		}
	case !onboarding && f == fieldReminder && v != "off" && !t.consented() && t.offered(f, v, false):
		return t.askSave(askReminder, v, false, scrSettings) // a reminder time needs storage
	case t.offered(f, v, onboarding):
		if err := t.set(f, v); err != nil {
			return nil, err
		}
	default:
		return t.expired()
	}
	if !onboarding {
		switch {
		case f == fieldConsent && v == "no":
			t.note("consent_withdrawn", nil)
		case t.press:
			t.notice = t.T("saved", nil)
		default:
			t.note("saved", nil) // typed (/lang en): no button press to answer
		}
		t.goTo(scrSettings)
		return t.show()
	}
	if order := fieldOrder(); slices.Index(order, f)+1 < len(order) {
		t.goTo(onbPrefix + order[slices.Index(order, f)+1])
		return t.show()
	}
	if kind, id, ok := parseLink(t.st.Link); ok && kind == linkTrack && t.cur.Track(id) != nil {
		t.note("all_set", nil)
		return t.openLink(kind, id)
	}
	t.goTo(scrReady)
	return t.show()
}

// switchLang sets the interface language from a typed command. At a
// language question (the onboarding's, or the settings' picker) it is the
// answer; anywhere else (a later question, a lesson, a quiz, the menu) the
// learner stays where they were, which comes back in the new language.
func (t *turn) switchLang(lang string) ([]bot.Reply, error) {
	if t.st.Screen == onbPrefix+fieldLang || t.st.Screen == setPrefix+fieldLang {
		return t.choose([]string{fieldLang, lang})
	}
	if err := t.set(fieldLang, lang); err != nil {
		return nil, err
	}
	t.note("lang_saved", map[string]any{"Lang": endonym(lang)})
	return t.show()
}

// showReady ends onboarding with where to start: the lesson of the deep
// link the learner came with, else the first on their path.
func (t *turn) showReady() (bot.Reply, error) {
	ls, err := t.nextLesson()
	if err != nil {
		return bot.Reply{}, err
	}
	if kind, id, ok := parseLink(t.st.Link); ok && kind == linkLesson && t.cur.Lesson(id) != nil {
		ls = t.cur.Lesson(id)
	}
	if ls == nil {
		return bot.Reply{Text: t.T("all_set", nil), Buttons: [][]bot.Button{
			{t.btn("btn_lessons", actTracks)}, {t.btn("btn_menu", actMenu)},
		}}, nil
	}
	return bot.Reply{
		Text: t.N("ready", max(ls.Minutes, 1), map[string]any{"Title": t.pick(ls.Title)}),
		Buttons: [][]bot.Button{
			{t.btn("btn_start_lesson", actStep, ls.ID)},
			{t.btn("btn_other_lesson", actTracks)},
			{t.btn("btn_menu", actMenu)},
		},
	}, nil
}

// settings shows the settings (no arguments) or the choices of one field.
func (t *turn) settings(args []string) ([]bot.Reply, error) {
	if len(args) == 0 {
		t.goTo(scrSettings)
		return t.show()
	}
	if !slices.Contains(settingsFields(), args[0]) {
		return t.expired()
	}
	t.goTo(setPrefix + args[0])
	return t.show()
}

func (t *turn) showSettings() (bot.Reply, error) {
	label := func(f string) string {
		v := t.value(f)
		if f == fieldReminder && v == "off" {
			return t.T("reminder_none", nil)
		}
		if f == fieldReminder && v == "" && t.l.Reminder != "" {
			return t.T("reminder_at", map[string]any{"Time": t.l.Reminder}) // set with /reminders
		}
		for _, c := range t.choices(f, false) {
			if c.value == v {
				return c.label
			}
		}
		return t.T("not_set", nil)
	}
	consent := "consent_no"
	if t.l.ConsentAt != nil {
		consent = "consent_yes"
	}
	text := t.T("settings", map[string]any{
		"Lang": label(fieldLang), "Role": label(fieldRole), "Level": label(fieldLevel),
		"Reminder": label(fieldReminder), "Consent": t.T(consent, nil), "Video": label(fieldVideo),
	})
	return bot.Reply{Text: text, Buttons: [][]bot.Button{
		{t.btn("btn_set_lang", actSettings, fieldLang), t.btn("btn_set_role", actSettings, fieldRole)},
		{t.btn("btn_set_level", actSettings, fieldLevel), t.btn("btn_set_reminder", actSettings, fieldReminder)},
		{t.btn("btn_set_consent", actSettings, fieldConsent), t.btn("btn_set_video", actSettings, fieldVideo)},
		// The learner's data, apart from the settings.
		{t.btn("btn_export", actExport), t.btn("btn_delete", actDelete)},
		{t.btn("btn_menu", actMenu)}, // last, as on every screen
	}}, nil
}

// export sends the learner everything Bottega keeps about them, as JSON.
func (t *turn) export([]string) ([]bot.Reply, error) {
	data, err := t.exportData()
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	return []bot.Reply{{
		Text: t.T("export_done", nil),
		File: &bot.File{Name: "bottega-data.json", Data: data},
		Buttons: [][]bot.Button{
			{t.btn("btn_settings", actSettings)},
			{t.btn("btn_menu", actMenu)},
		},
	}}, nil
}

// exportData gathers the learner's data: a readable summary (times in UTC,
// to the second), then, under "stored", every row kept about them as it is
// stored, so that nothing is left out.
func (t *turn) exportData() ([]byte, error) {
	utc := func(tm time.Time) string { return tm.UTC().Format(time.RFC3339) }
	utcp := func(tm *time.Time) *string {
		if tm == nil {
			return nil
		}
		s := utc(*tm)
		return &s
	}
	type lesson struct {
		Lesson   string  `json:"lesson"`
		Step     string  `json:"step"`
		Started  string  `json:"started_at"`
		Updated  string  `json:"updated_at"`
		Finished *string `json:"finished_at,omitempty"`
		QuizOK   int     `json:"quiz_right,omitempty"`
		QuizOf   int     `json:"quiz_total,omitempty"`
	}
	type answer struct {
		Lesson   string `json:"lesson"`
		Question string `json:"question"`
		Choice   int    `json:"choice"`
		Correct  bool   `json:"correct"`
		Source   string `json:"source"`
		At       string `json:"at"`
	}
	type review struct {
		Lesson   string `json:"lesson"`
		Question string `json:"question"`
		Box      int    `json:"box"`
		Due      string `json:"due_at"`
	}
	type asked struct {
		Text     string   `json:"text"`
		Language string   `json:"language"`
		At       string   `json:"asked_at"`
		Mode     string   `json:"answered_by,omitempty"`
		Lessons  []string `json:"lessons_cited,omitempty"`
		Answer   string   `json:"answer,omitempty"`
		Helpful  *bool    `json:"helpful,omitempty"`
	}
	out := struct {
		Exported string `json:"exported_at"`
		Learner  struct {
			Platform string  `json:"platform"`
			UserID   string  `json:"user_id"`
			Name     string  `json:"name"`
			Language string  `json:"language"`
			Role     string  `json:"role"`
			Level    string  `json:"level"`
			Timezone string  `json:"timezone"`
			Reminder string  `json:"reminder"`
			Consent  *string `json:"consent_at"`
			Created  string  `json:"created_at"`
		} `json:"learner"`
		Lessons   []lesson                   `json:"lessons"`
		Answers   []answer                   `json:"answers"`
		Review    []review                   `json:"review"`
		Days      []string                   `json:"active_days"`
		Questions []asked                    `json:"questions"`
		Stored    map[string]json.RawMessage `json:"stored"`
	}{Exported: utc(t.now), Lessons: []lesson{}, Answers: []answer{}, Review: []review{}, Questions: []asked{}}
	l := &out.Learner
	l.Platform, l.UserID, l.Name, l.Language = t.l.Platform, t.l.ExternalID, t.l.Name, t.l.Locale
	l.Role, l.Level, l.Timezone, l.Reminder = t.l.Role, t.l.Level, t.l.Timezone, t.l.Reminder
	l.Consent, l.Created = utcp(t.l.ConsentAt), utc(t.l.CreatedAt)

	ps, err := t.s.Progress(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		out.Lessons = append(out.Lessons, lesson{p.LessonID, p.StepID, utc(p.StartedAt), utc(p.UpdatedAt), utcp(p.FinishedAt), p.QuizRight, p.QuizTotal})
	}
	as, err := t.s.Answers(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range as {
		out.Answers = append(out.Answers, answer{a.LessonID, a.QuestionID, a.Choice, a.Correct, a.Source, utc(a.At)})
	}
	rs, err := t.s.ReviewItems(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		out.Review = append(out.Review, review{r.LessonID, r.QuestionID, r.Box, utc(r.DueAt)})
	}
	if out.Days, err = t.s.ActivityDays(t.ctx, t.l.ID, 100000); err != nil {
		return nil, err
	}
	qs, err := t.s.AskedQuestions(t.ctx, t.l.ID)
	if err != nil {
		return nil, err
	}
	for _, q := range qs {
		out.Questions = append(out.Questions, asked{q.Text, q.Locale, utc(q.AskedAt), q.Mode, q.Lessons, q.Answer, q.Helpful})
	}
	if out.Stored, err = t.s.LearnerData(t.ctx, t.l.ID); err != nil {
		return nil, err
	}
	return json.MarshalIndent(out, "", "  ")
}

// delete asks for confirmation (d), then erases the learner (d|yes, only
// from the confirmation).
func (t *turn) delete(args []string) ([]bot.Reply, error) {
	if len(args) == 0 {
		t.goTo(scrDelete)
		return t.show()
	}
	if args[0] != "yes" || t.st.Screen != scrDelete {
		return t.expired()
	}
	if err := t.s.DeleteLearner(t.ctx, t.l.ID); err != nil {
		return nil, err
	}
	t.gone = true
	return []bot.Reply{{
		Text:    t.T("deleted", nil),
		Edit:    t.press,
		Buttons: [][]bot.Button{{t.btn("btn_restart", actMenu)}},
	}}, nil
}

func (t *turn) showDelete() (bot.Reply, error) {
	return bot.Reply{Text: t.T("delete_confirm", nil), Buttons: [][]bot.Button{
		{t.btn("btn_delete_yes", actDelete, "yes")},
		{t.btn("btn_delete_no", actSettings)},
	}}, nil
}
