package assistant

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/flows"
	"github.com/bottega-app/bottega/store"
)

// Retrieval and conversation parameters.
const (
	maxPassages    = 5 // passages an offline answer is chosen from
	maxLLMPassages = 8 // passages given to the model
	// The lessons cover a question when the best passage matches enough
	// of it (bottega.PassageHit.Text, a share) with enough weight
	// (Evidence, in idf units): a long question needs some informative
	// words, a short one most of its words. Tuned on the tuning half of
	// assistant/eval/questions.yaml (see bottega eval): learners' questions
	// share few words with the lessons, so the evidence of the words they
	// do share tells on-topic from off-topic better than their share.
	// Since every step lists its learners' questions, questions of all
	// kinds match more of the index, those about other things too: the
	// thresholds rose with them (the evidence to 5.5 when the lists grew
	// to some 4,000 questions, back to 5.0 once questions on keeping the
	// books were declined as another field: a trial balance was the one
	// such question the lower threshold let through).
	minText, minEvidence           = 0.15, 5.0
	minTextShort, minEvidenceShort = 0.5, 2.0
	// keepShare drops passages scoring below this share of the best.
	keepShare = 0.35
	maxTurns  = 4 // earlier messages given to the model
	// maxFollowUp is the most words a question may have to be read as a
	// follow-up of the previous one when it is not understood alone.
	maxFollowUp = 4
	turnsAge    = 30 * time.Minute
	maxOpen     = 3 // "Open lesson" buttons
	// taskSlack is the time an answer task may take besides the LLM's:
	// retrieval, the fallback, the edits' pace.
	taskSlack = 15 * time.Second
)

// Answer modes, as recorded with the question.
const (
	modeLLM       = "llm"
	modeOffline   = "offline"
	modeFallback  = "fallback"
	modeUncovered = "uncovered"
)

// Feedback button data: "v1|a|up|<question>" and "v1|a|dn|<question>".
const (
	feedbackPrefix = "v1|a|"
	feedbackUp     = "up"
	feedbackDown   = "dn"
)

// inTx is the update's transaction as the assistant's store.
func inTx(tx bot.Tx) (Store, error) {
	db, ok := tx.(Store)
	if !ok {
		return nil, fmt.Errorf("the update's transaction (%T) is not the assistant's store", tx)
	}
	return db, nil
}

type taskData struct {
	Question int64 `json:"q"`
	// Role is the learner's role when they asked: a learner who keeps
	// nothing in the database has it in their session only, and the
	// search favours the lessons meant for it.
	Role string `json:"r,omitempty"`
	// Lessons is set when the learner's model tokens for the day are
	// spent: the question is answered from the lessons alone.
	Lessons bool `json:"l,omitempty"`
}

// Answer takes a question in the update's transaction: the cheap checks
// answer at once (too long, daily quota reached); otherwise the question is
// recorded and answered by a task after commit. tx must implement Store.
func (a *Assistant) Answer(ctx context.Context, tx bot.Tx, l bottega.Learner, question string) ([]bot.Reply, error) {
	db, err := inTx(tx)
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	lg := lang(l)
	q := strings.TrimSpace(strings.ToValidUTF8(question, ""))
	if q == "" {
		return []bot.Reply{{Text: a.t(lg, "ask_empty", nil)}}, nil
	}
	if utf8.RuneCountInString(q) > a.o.MaxQuestion {
		return []bot.Reply{{Text: a.t(lg, "ask_too_long", map[string]any{"Max": a.o.MaxQuestion}), Buttons: [][]bot.Button{flows.WayOn(a.o.Texts, lg)}}}, nil
	}
	now := a.o.Clock.Now()
	used, err := db.AskUsed(ctx, l.ID, dayStart(now, l.Timezone))
	if err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	if a.o.LLM != nil && a.o.DailyQuestions > 0 && used.Questions >= a.o.DailyQuestions {
		// The quota bounds what the model costs: answers from the
		// lessons alone cost nothing, and have none.
		return []bot.Reply{{Text: a.t(lg, "ask_quota", nil), Buttons: [][]bot.Button{flows.WayOn(a.o.Texts, lg)}}}, nil
	}
	// Once the day's model tokens are spent the lessons still answer.
	spent := a.o.DailyTokens > 0 && used.Tokens >= a.o.DailyTokens
	asked := []string{q}
	if parts := splitAsked(q); len(parts) > 1 {
		apart, err := a.r.apart(ctx, lg, l.Role, parts)
		if err != nil {
			return nil, fmt.Errorf("answer: %w", err)
		}
		if apart {
			// Each is its own question: "e come faccio le foto?"
			// answered apart goes on from nothing.
			asked = parts
			for i := 1; i < len(asked); i++ {
				asked[i] = withoutJoiner(asked[i])
			}
		}
	}
	var replies []bot.Reply
	for _, part := range asked {
		// Each question is saved, and answered, on its own: the second
		// reads the first as the question before it.
		id, err := db.SaveQuestion(ctx, bottega.Question{LearnerID: l.ID, Locale: lg, Text: part, AskedAt: now})
		if err != nil {
			return nil, fmt.Errorf("answer: %w", err)
		}
		if err := db.AddTurn(ctx, store.AskTurn{LearnerID: l.ID, QuestionID: &id, Role: "user", Text: part, At: now}); err != nil {
			return nil, fmt.Errorf("answer: %w", err)
		}
		data, err := json.Marshal(taskData{Question: id, Role: l.Role, Lessons: spent})
		if err != nil {
			return nil, fmt.Errorf("answer: %w", err)
		}
		replies = append(replies, bot.Reply{Task: &bot.Task{Kind: TaskKind, Data: data}})
	}
	return replies, nil
}

// Button handles the feedback buttons under an answer, in the update's
// transaction tx (a Store).
func (a *Assistant) Button(ctx context.Context, tx bot.Tx, l bottega.Learner, data string) ([]bot.Reply, error) {
	db, err := inTx(tx)
	if err != nil {
		return nil, fmt.Errorf("answer feedback: %w", err)
	}
	lg := lang(l)
	verdict, idText, ok := strings.Cut(strings.TrimPrefix(data, feedbackPrefix), "|")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !strings.HasPrefix(data, feedbackPrefix) || !ok || err != nil || (verdict != feedbackUp && verdict != feedbackDown) {
		return []bot.Reply{{Notice: a.t(lg, "ask_stale", nil)}}, nil
	}
	helpful := verdict == feedbackUp
	saved, err := db.SaveFeedback(ctx, id, l.ID, helpful, a.o.Clock.Now())
	if err != nil {
		return nil, fmt.Errorf("answer feedback: %w", err)
	}
	if !saved {
		return []bot.Reply{{Notice: a.t(lg, "ask_stale", nil)}}, nil
	}
	if helpful {
		return []bot.Reply{{Notice: a.t(lg, "ask_thanks_up", nil)}}, nil
	}
	return []bot.Reply{{Notice: a.t(lg, "ask_thanks_down", nil)}}, nil
}

// answer is what the task worked out, to show and record.
type answer struct {
	mode       string
	unanswered bool
	lessons    []string
	text       string // for the conversation memory
	usage      store.AskUsage
	reply      bot.Reply // the message as the learner reads it
}

// savedAnswer is a finished answer as recorded before it is shown, so that a
// task run again after a crash shows it without asking the model again.
type savedAnswer struct {
	Mode       string         `json:"mode"`
	Unanswered bool           `json:"unanswered,omitempty"`
	Lessons    []string       `json:"lessons,omitempty"`
	Text       string         `json:"text"`
	Usage      store.AskUsage `json:"usage"`
	Reply      bot.Reply      `json:"reply"`
}

func (ans answer) encode() ([]byte, error) {
	b, err := json.Marshal(savedAnswer{Mode: ans.mode, Unanswered: ans.unanswered, Lessons: ans.lessons, Text: ans.text, Usage: ans.usage, Reply: ans.reply})
	if err != nil {
		return nil, fmt.Errorf("encode answer: %w", err)
	}
	return b, nil
}

func decodeAnswer(b []byte) (answer, error) {
	var sa savedAnswer
	if err := json.Unmarshal(b, &sa); err != nil {
		return answer{}, fmt.Errorf("decode saved answer: %w", err)
	}
	return answer{mode: sa.Mode, unanswered: sa.Unanswered, lessons: sa.Lessons, text: sa.Text, usage: sa.Usage, reply: sa.Reply}, nil
}

// runAnswer is the deferred task: it answers a recorded question. Run again
// after a crash, it does nothing if the question was answered; it shows a
// finished answer again without asking the model; and it goes on in the
// message it had started, so that no half answer stays frozen in the chat.
func (a *Assistant) runAnswer(ctx context.Context, s bot.Sender, chatID string, raw json.RawMessage) error {
	var d taskData
	if err := json.Unmarshal(raw, &d); err != nil {
		return fmt.Errorf("answer task: %w", err)
	}
	q, err := a.o.DB.Question(ctx, d.Question)
	if err != nil {
		return fmt.Errorf("answer task: %w", err)
	}
	if q.AnsweredAt != nil {
		return nil
	}
	l, err := a.o.DB.Learner(ctx, q.LearnerID)
	if err != nil {
		return fmt.Errorf("answer task: %w", err)
	}
	if l.Role == "" {
		l.Role = d.Role
	}
	// The chat waits for this task: bound it all, the LLM's share
	// included.
	ctx, cancel := context.WithTimeout(ctx, a.o.LLMTimeout+taskSlack)
	defer cancel()
	start := a.o.Clock.Now()
	m := &message{s: s, chatID: chatID, clock: a.o.Clock, every: a.o.EditEvery, id: q.MessageID, noEdits: a.o.NoEdits || !bot.CapabilitiesOf(s).Edits,
		started: func(ctx context.Context, id string) error { return a.o.DB.AnswerMessage(ctx, q.ID, id) }}
	ans, err := a.answer(ctx, m, l, q, a.o.LLM != nil && !d.Lessons)
	if err == nil {
		err = m.final(ctx, ans.reply)
	}
	if err != nil {
		if m.id == "" && !errors.Is(err, bot.ErrBlocked) {
			// Say something rather than nothing; the error is logged by
			// the dispatcher.
			_, _ = s.Send(ctx, chatID, bot.Reply{Text: a.t(q.Locale, "ask_error", nil)})
		}
		return fmt.Errorf("answer question %d: %w", q.ID, err)
	}
	now := a.o.Clock.Now()
	u := ans.usage
	u.QuestionID, u.LearnerID, u.At = q.ID, q.LearnerID, now
	if u.Latency == 0 {
		u.Latency = now.Sub(start)
	}
	u.Outcome = ans.mode
	// All or nothing, so that a run after a crash records it once.
	err = a.o.DB.InTx(ctx, func(tx *store.Tx) error {
		if err := tx.RecordUsage(ctx, u); err != nil {
			return err
		}
		if err := tx.FinishQuestion(ctx, q.ID, ans.mode, ans.unanswered, ans.lessons, now); err != nil {
			return err
		}
		if ans.text == "" {
			return nil
		}
		id := q.ID
		return tx.AddTurn(ctx, store.AskTurn{LearnerID: q.LearnerID, QuestionID: &id, Role: "assistant", Text: ans.text, At: now})
	})
	if err != nil {
		return fmt.Errorf("answer question %d: %w", q.ID, err)
	}
	return nil
}

// answer works out the answer to q, streaming it into m if the model writes
// it, and records it before it is shown. An answer recorded by an earlier
// run, interrupted before it was shown or marked answered, is taken as is.
func (a *Assistant) answer(ctx context.Context, m *message, l bottega.Learner, q bottega.Question, model bool) (answer, error) {
	if len(q.Answer) > 0 {
		return decodeAnswer(q.Answer)
	}
	ans, err := a.respond(ctx, m, l, q, model)
	if err != nil {
		return ans, err
	}
	b, err := ans.encode()
	if err != nil {
		return ans, err
	}
	return ans, a.o.DB.SaveAnswer(ctx, q.ID, b)
}

// respond retrieves, answers and sends; with the model when model is set.
func (a *Assistant) respond(ctx context.Context, m *message, l bottega.Learner, q bottega.Question, model bool) (answer, error) {
	lg := q.Locale
	if defames(q.Text) {
		// Whatever the lessons or a model could add, the answer is no:
		// said plainly, with no lesson offered.
		return a.uncovered(q, l.Role, nil, answer{}), nil
	}
	turns, err := a.o.DB.RecentTurns(ctx, q.LearnerID, q.AskedAt.Add(-turnsAge), maxTurns, q.ID)
	if err != nil {
		return answer{}, err
	}
	limit := maxPassages
	if model {
		limit = maxLLMPassages
	}
	help := urgentHelp(q.Text)
	search, prev := q.Text, lastQuestion(turns)
	text, question, pasted := splitPasted(q.Text)
	switch {
	case pasted:
		// The question finds the lesson; the text's words are too much
		// its own to judge coverage by, and it is no follow-up.
		search, prev = pastedSearch(question, text, lg, l.Role), ""
	case len(help) > 0:
		search = urgentSearch(q.Text, lg)
	}
	found, err := a.r.Find(ctx, Query{Text: search, Locale: lg, Role: l.Role, Previous: prev, Limit: limit})
	if err != nil {
		return answer{}, err
	}
	hits, covered := found.Hits, found.Covered
	if pasted && !ordering(text, l.Role) {
		// An order's items (bread, milk) say nothing of how to answer
		// it; a review's complaint does.
		more, err := a.r.Search(ctx, lg, l.Role, search+" "+gist(text), limit)
		if err != nil {
			return answer{}, err
		}
		hits = fuse(limit, hits, more)
	}
	if len(help) > 0 {
		// An urgent problem is answered by the lessons' steps, or by the
		// platform's help: never by a loosely related quiz question.
		hits = slices.DeleteFunc(hits, isQuiz)
		found.More = slices.DeleteFunc(found.More, isQuiz)
		covered = covered && len(hits) > 0
		if (!covered || found.Elsewhere) && !injection(search) {
			// The problem is known whatever else the question says
			// ("…and now they post about bitcoin", which alone would be
			// off-topic): the lessons cover it if they cover getting an
			// account back. A request to play a part gets no lesson.
			rec, err := a.recovery(ctx, lg, l.Role, limit)
			if err != nil {
				return answer{}, err
			}
			if len(rec.Hits) > 0 {
				found, hits, covered = rec, rec.Hits, true
			}
		}
	}
	found.Hits = hits
	if !model {
		if !covered || found.Elsewhere {
			if found.Elsewhere || declined(search) {
				// Another field, a request to play another part, a
				// lawsuit: no lesson is close to it, whatever words
				// they share.
				hits = nil
			}
			if hits, err = a.retitle(ctx, lg, hits); err != nil {
				return answer{}, err
			}
			return a.withHelp(lg, a.uncovered(q, l.Role, hits, answer{}), help), nil
		}
		shown, err := a.retitle(ctx, lg, keep(found.Passages()))
		if err != nil {
			return answer{}, err
		}
		return a.withHelp(lg, a.offline(q, l.Role, shown, modeOffline, answer{usage: store.AskUsage{Model: ""}}), help), nil
	}
	// With a model there is no lexical gate: a question that shares few
	// words with the lessons may still be answered by them, and the model
	// says NOT_COVERED when it is not. Weak retrieval is tried once more
	// with the question put in the lessons' words.
	var spent *openai.Usage
	var none bool
	if !covered {
		hits, spent, none, err = a.rewritten(ctx, l, q, hits, limit)
		if err != nil {
			return answer{}, err
		}
	}
	if hits, err = a.retitle(ctx, lg, hits); err != nil {
		return answer{}, err
	}
	if len(hits) == 0 {
		ans := answer{usage: store.AskUsage{Model: a.o.Model}}
		ans.usage.TokensIn, ans.usage.TokensOut = spentTokens(spent)
		ans.usage.CostUSD = cost(a.o.Prices, a.o.Model, ans.usage.TokensIn, ans.usage.TokensOut)
		return a.withHelp(lg, a.uncovered(q, l.Role, hits, ans), help), nil
	}
	ans, err := a.generate(ctx, m, l, q, hits, turns, spent, none || injection(q.Text))
	if err != nil {
		return ans, err
	}
	return a.withHelp(lg, ans, help), nil
}

// retitle names the lessons of hits in the language the learner reads them
// in, the one their Open buttons open: a question asked in English on the
// Italian interface is searched in English, but its lessons open in
// Italian, so the sources and buttons say the Italian titles.
func (a *Assistant) retitle(ctx context.Context, lg string, hits []bottega.PassageHit) ([]bottega.PassageHit, error) {
	var lessons []string
	for _, h := range hits {
		if h.Locale != readIn(lg, h) && !slices.Contains(lessons, h.LessonID) {
			lessons = append(lessons, h.LessonID)
		}
	}
	if len(lessons) == 0 {
		return hits, nil
	}
	titles, err := a.o.DB.LessonTitles(ctx, hits[0].VersionID, lessons)
	if err != nil {
		return nil, err
	}
	out := slices.Clone(hits)
	for i, h := range out {
		want := readIn(lg, h)
		for _, t := range titles {
			if t.Lesson == h.LessonID && t.Locale == want {
				out[i].Title = t.Title
			}
		}
	}
	return out, nil
}

// readIn is the language in which a learner whose interface is in lg reads
// the lesson of passage p, as the chat shows lessons: their own, else
// English unless they read Italian, else Italian; p's own language when its
// lesson's languages are not known.
func readIn(lg string, p bottega.PassageHit) string {
	locales := p.LessonLocales
	switch {
	case len(locales) == 0:
		return p.Locale
	case slices.Contains(locales, lg):
		return lg
	case lg != "it" && slices.Contains(locales, "en"):
		return "en"
	}
	return "it"
}

// covers reports whether a passage found answers enough of the question.
// A question matched against lessons in another language (the learner's
// has no translation) shares fewer words with them: half the evidence is
// enough, the model judges the rest.
//
// Every passage found is judged, not only the first: the ranking favours
// the lessons meant for the learner's role, and whether the lessons cover
// a question does not depend on who asks it. Passages ranked by meaning
// alone have no lexical score and never pass.
func covers(hits []bottega.PassageHit, locale string) bool {
	return coversPlaced(hits, locale, 1)
}

// coversPlaced is covers for a question of which share of the words that
// say something are not places (see unplaced). Places are not searched,
// so a passage may match most of the little that is left: "what is there
// to see in Siena in two days?" is matched on "two days". A short match
// (much of the question, little evidence) then counts only for that
// share.
func coversPlaced(hits []bottega.PassageHit, locale string, share float64) bool {
	for _, h := range hits {
		f := 1.0
		if cmp.Or(h.Found, h.Locale) != locale {
			f = 0.5
		}
		if h.Text >= f*minText && h.Evidence >= f*minEvidence || h.Text*share >= f*minTextShort && h.Evidence >= f*minEvidenceShort {
			return true
		}
	}
	return false
}

func best(hits []bottega.PassageHit) float64 {
	if len(hits) == 0 {
		return 0
	}
	return hits[0].Score
}

// keep drops the passages far below the best.
func keep(hits []bottega.PassageHit) []bottega.PassageHit {
	var out []bottega.PassageHit
	for _, h := range hits {
		if h.Score >= keepShare*hits[0].Score {
			out = append(out, h)
		}
	}
	return out
}

func lastQuestion(turns []store.AskTurn) string {
	for i := len(turns) - 1; i >= 0; i-- {
		if turns[i].Role == "user" {
			return turns[i].Text
		}
	}
	return ""
}

// uncovered says the lessons do not answer the question, offers the
// closest lessons, and logs the question for content authors. With lessons
// to offer it says it found no precise answer, rather than that the lessons
// say nothing of the subject, which the buttons under it would contradict.
func (a *Assistant) uncovered(q bottega.Question, role string, hits []bottega.PassageHit, ans answer) answer {
	lg := q.Locale
	var rows [][]bot.Button
	var lessons []string
	for _, h := range hits {
		if len(lessons) == maxOpen {
			break
		}
		if slices.Contains(lessons, h.LessonID) {
			continue
		}
		lessons = append(lessons, h.LessonID)
		rows = append(rows, []bot.Button{{Label: a.t(lg, "ask_btn_open", map[string]any{"Title": clip(h.Title, 40)}), Data: a.o.OpenLesson(h.LessonID, "")}})
	}
	text := a.t(lg, "ask_not_covered_closest", nil)
	if len(rows) == 0 {
		// What the lessons help with, for the learner's work: a
		// leatherworker is not offered the town hall's communication.
		help := "ask_can_help"
		switch role {
		case bottega.RoleMunicipal:
			help = "ask_can_help_town"
		case bottega.RoleShopkeeper, bottega.RoleArtisan, bottega.RoleGuide:
			help = "ask_can_help_business"
		}
		text = a.t(lg, "ask_not_covered", nil) + " " + a.t(lg, help, nil)
		switch {
		case defames(q.Text):
			// Said plainly: it is no gap in the lessons.
			text = a.t(lg, "ask_defame", nil)
		case legalAction(q.Text):
			// Who can answer it, and what the lessons help with first.
			text = a.t(lg, "ask_legal", nil)
		case taxAdvice(q.Text):
			text = a.t(lg, "ask_tax", nil)
		}
		rows = append(rows, flows.WayOn(a.o.Texts, lg))
	}
	rows = append(rows, a.feedback(lg, q.ID))
	ans.reply = bot.Reply{Text: text, Buttons: rows}
	ans.mode, ans.unanswered, ans.text = modeUncovered, true, text
	// The text stays in the database, for content authors.
	a.log.Info("question not covered by the lessons", "question", q.ID, "locale", lg)
	return ans
}

// label names a passage for the learner: lesson, step, video time.
func (a *Assistant) label(lg string, h bottega.PassageHit) string {
	data := map[string]any{"Title": h.Title, "N": h.Position, "Of": h.Steps}
	var s string
	switch h.Kind {
	case bottega.PassageStep:
		s = a.t(lg, "ask_source_step", data)
	case bottega.PassageQuiz:
		s = a.t(lg, "ask_source_quiz", data)
	default:
		s = a.t(lg, "ask_source_summary", data)
	}
	if h.VideoStart != nil {
		s += " · " + a.t(lg, "ask_source_video", map[string]any{"Time": clock(*h.VideoStart)})
	}
	return s
}

// buttons opens the cited lessons (at the cited step, or the video at its
// chapter) and asks for feedback.
func (a *Assistant) buttons(lg string, questionID int64, hits []bottega.PassageHit, cited []int) [][]bot.Button {
	var rows [][]bot.Button
	var lessons []string
	for _, n := range cited {
		h := hits[n-1]
		if slices.Contains(lessons, h.LessonID) || len(lessons) == maxOpen {
			continue
		}
		lessons = append(lessons, h.LessonID)
		step := ""
		if h.Kind == bottega.PassageStep {
			step = h.Ref
		}
		row := []bot.Button{{Label: a.t(lg, "ask_btn_open", map[string]any{"Title": clip(h.Title, 40)}), Data: a.o.OpenLesson(h.LessonID, step)}}
		if h.VideoStart != nil && a.o.OpenVideo != nil && step != "" {
			row = append(row, bot.Button{Label: a.t(lg, "ask_btn_video", map[string]any{"Time": clock(*h.VideoStart)}), Data: a.o.OpenVideo(h.LessonID, step, *h.VideoStart)})
		}
		rows = append(rows, row)
	}
	return append(rows, a.feedback(lg, questionID))
}

func (a *Assistant) feedback(lg string, questionID int64) []bot.Button {
	id := strconv.FormatInt(questionID, 10)
	return []bot.Button{
		{Label: a.t(lg, "ask_btn_up", nil), Data: feedbackPrefix + feedbackUp + "|" + id},
		{Label: a.t(lg, "ask_btn_down", nil), Data: feedbackPrefix + feedbackDown + "|" + id},
	}
}

func lessonsOf(hits []bottega.PassageHit, cited []int) []string {
	var out []string
	for _, n := range cited {
		if id := hits[n-1].LessonID; !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// errLeak means the model repeated its instructions.
var errLeak = errors.New("the answer repeats the instructions")

// generate streams the model's answer into a message, editing it as text
// arrives; on any failure the message becomes the offline answer.
// spent is what earlier calls for this answer used (the rewrite), counted
// with it. offTopic tells a question found about nothing the lessons teach,
// or trying to change the rules: an answer to it that cites no passage is
// not from the lessons, and is not shown.
func (a *Assistant) generate(ctx context.Context, m *message, l bottega.Learner, q bottega.Question, hits []bottega.PassageHit, turns []store.AskTurn, spent *openai.Usage, offTopic bool) (answer, error) {
	lg := q.Locale
	msgs := messages(lg, q.Text, hits, turns, promptLabel)
	// A pasted text gets a draft: the answer may be longer, and the
	// draft is labelled as such wherever the model marked it.
	limit, show := maxAnswer, func(s string) string { return s }
	if text, question, ok := splitPasted(q.Text); ok {
		msgs = withPasted(messages(lg, question, hits, turns, promptLabel), text)
		limit = maxDraftAnswer
		label := a.t(lg, "ask_draft", nil)
		show = func(s string) string {
			if strings.Contains(s, draftMark) {
				return labelDraft(s, label)
			}
			return s
		}
	}
	ans := answer{usage: store.AskUsage{Model: a.o.Model}}
	start := time.Now()
	if err := m.start(ctx, bot.Reply{Text: a.t(lg, "ask_thinking", nil)}); err != nil {
		return ans, err
	}
	text, usage, err := a.stream(ctx, m, msgs, limit, show)
	ans.usage.Latency = time.Since(start)
	if err == nil || text != "" || usage != nil {
		// A call refused or failed before it wrote anything (429, 5xx, a
		// bad key) is not billed: it takes nothing from the learner's day.
		ans.usage.TokensIn, ans.usage.TokensOut = tokens(msgs, text, usage)
	}
	in, out := spentTokens(spent)
	ans.usage.TokensIn, ans.usage.TokensOut = ans.usage.TokensIn+in, ans.usage.TokensOut+out
	ans.usage.CostUSD = cost(a.o.Prices, a.o.Model, ans.usage.TokensIn, ans.usage.TokensOut)
	if err != nil {
		if ctx.Err() != nil {
			return ans, err
		}
		a.log.Warn("LLM failed, answering from the lessons", "question", q.ID, "model", a.o.Model, "err", err)
		fb := a.offline(q, l.Role, hits, modeFallback, ans)
		if m.progressed && !errors.Is(err, errLeak) {
			// The learner watched an answer being written: say why
			// another one takes its place.
			fb.reply.Text = a.t(lg, "ask_cut_off", nil) + "\n" + fb.reply.Text
		}
		return fb, nil
	}
	if strings.Contains(text, notCovered) {
		return a.uncovered(q, l.Role, hits, ans), nil
	}
	answerText := clip(dropCitations(sanitize(text), len(hits)), limit)
	if newGuard(rules(msgs[0].Content)).leaks(answerText) {
		a.log.Warn("LLM repeated its instructions, answering from the lessons", "question", q.ID, "model", a.o.Model)
		return a.offline(q, l.Role, hits, modeFallback, ans), nil
	}
	if strings.TrimSpace(answerText) == "" {
		a.log.Warn("LLM answered nothing, answering from the lessons", "question", q.ID, "model", a.o.Model)
		return a.offline(q, l.Role, hits, modeFallback, ans), nil
	}
	cited := citations(answerText, len(hits))
	if len(cited) == 0 && offTopic {
		a.log.Warn("LLM answered an off-topic question citing no lesson, declining", "question", q.ID, "model", a.o.Model)
		return a.uncovered(q, l.Role, hits, ans), nil
	}
	if len(cited) == 0 {
		cited = []int{1} // the model forgot to cite: the best passage is the source
	}
	sources := make([]source, len(cited))
	for i, n := range cited {
		sources[i] = source{N: n, Label: a.label(lg, hits[n-1])}
	}
	if limit == maxDraftAnswer {
		answerText = labelDraft(answerText, a.t(lg, "ask_draft", nil))
	}
	ans.reply = bot.Reply{Text: compose(answerText, a.t(lg, "ask_sources", nil), sources), Buttons: a.buttons(lg, q.ID, hits, cited)}
	ans.mode, ans.text, ans.lessons = modeLLM, answerText, lessonsOf(hits, cited)
	return ans, nil
}

// stream runs the completion, showing the text as it grows. It returns the
// whole text, or an error when the model failed, stalled, broke the
// stream or leaked its instructions.
//
// limit bounds the text shown, show turns it into what the learner reads.
func (a *Assistant) stream(ctx context.Context, m *message, msgs []openai.ChatCompletionMessage, limit int, show func(string) string) (string, *openai.Usage, error) {
	g := newGuard(rules(msgs[0].Content))
	ctx, cancel := context.WithTimeout(ctx, a.o.LLMTimeout)
	defer cancel()
	firstWords := time.AfterFunc(a.o.FirstToken, cancel)
	defer firstWords.Stop()
	st, err := a.o.LLM.CreateChatCompletionStream(ctx, openai.ChatCompletionRequest{
		Model:       a.o.Model,
		Messages:    msgs,
		Temperature: 0.2,
		//lint:ignore SA1019 the compatible servers (Ollama, vLLM, LocalAI) read max_tokens, not max_completion_tokens
		MaxTokens:     500,
		Stream:        true,
		StreamOptions: &openai.StreamOptions{IncludeUsage: true},
	})
	if err != nil {
		return "", nil, fmt.Errorf("start answer stream: %w", err)
	}
	defer st.Close()
	events := make(chan event)
	go receive(ctx, st, events)
	var (
		b     strings.Builder
		usage *openai.Usage
	)
	for e := range events {
		if e.err != nil {
			return b.String(), usage, e.err
		}
		if e.usage != nil {
			usage = e.usage
		}
		if e.done {
			return b.String(), usage, nil
		}
		if e.text == "" {
			continue
		}
		firstWords.Stop()
		b.WriteString(e.text)
		text := b.String()
		if g.leaks(text) {
			return "", usage, errLeak
		}
		// Hold back what may turn out to be NOT_COVERED.
		if shown := strings.TrimSpace(text); len(shown) <= len(notCovered) && strings.HasPrefix(notCovered, shown) || strings.Contains(text, notCovered) {
			continue
		}
		// Every version shown is checked as the learner would read it.
		shown := clip(sanitize(g.shown(text)), limit)
		if g.leaks(shown) {
			return "", usage, errLeak
		}
		if shown == "" {
			continue
		}
		m.progress(ctx, bot.Reply{Text: show(shown) + " …"})
	}
	// The channel closed without an end: ctx ended (timeout or shutdown).
	if err := ctx.Err(); err != nil {
		return b.String(), usage, fmt.Errorf("answer stream: %w", err)
	}
	return b.String(), usage, errTruncated
}

// tokens returns the usage the server reported, or an estimate (four
// characters a token) when it reported none.
func tokens(msgs []openai.ChatCompletionMessage, text string, u *openai.Usage) (in, out int) {
	if u != nil && (u.PromptTokens > 0 || u.CompletionTokens > 0) {
		return u.PromptTokens, u.CompletionTokens
	}
	for _, m := range msgs {
		in += utf8.RuneCountInString(m.Content)
	}
	return (in + 3) / 4, (utf8.RuneCountInString(text) + 3) / 4
}

// spentTokens is what a call reported it used (none when it reported
// nothing).
func spentTokens(u *openai.Usage) (in, out int) {
	if u == nil {
		return 0, 0
	}
	return u.PromptTokens, u.CompletionTokens
}

// message is the answer's chat message: sent once, then edited no more
// often than every.
type message struct {
	s      bot.Sender
	chatID string
	clock  Clock
	every  time.Duration
	// started records the id of a new message, so that a run after a
	// crash goes on in it.
	started func(ctx context.Context, id string) error

	id    string // set at the start by a run that goes on in it
	last  time.Time
	shown string
	// progressed is set once a partial answer has been shown.
	progressed bool
	// noEdits means the platform cannot edit: nothing is shown but the
	// typing indicator until the answer is complete.
	noEdits bool
}

// typingEvery renews the typing indicator, which platforms show for about
// five seconds.
const typingEvery = 4 * time.Second

// typing shows the typing indicator; a failure only loses the indicator.
func (m *message) typing(ctx context.Context) {
	_, _ = m.s.Send(ctx, m.chatID, bot.Reply{Typing: true})
	m.last = m.clock.Now()
}

// send sends a new message.
func (m *message) send(ctx context.Context, r bot.Reply) error {
	id, err := m.s.Send(ctx, m.chatID, r)
	if err != nil {
		return fmt.Errorf("send answer: %w", err)
	}
	m.id, m.last, m.shown = id, m.clock.Now(), r.Text
	if m.started != nil {
		return m.started(ctx, id)
	}
	return nil
}

// start shows the first version of the message: a new message, or an edit
// of the one an interrupted run left, whatever it shows.
func (m *message) start(ctx context.Context, r bot.Reply) error {
	if m.noEdits {
		m.typing(ctx)
		return nil
	}
	if m.id == "" {
		return m.send(ctx, r)
	}
	return m.edit(ctx, r)
}

// edit replaces the message with r, or sends r as a new message if the
// edit fails.
func (m *message) edit(ctx context.Context, r bot.Reply) error {
	edit := r
	edit.EditID = m.id
	if _, err := m.s.Send(ctx, m.chatID, edit); err != nil {
		if errors.Is(err, bot.ErrBlocked) || ctx.Err() != nil {
			return fmt.Errorf("send answer: %w", err)
		}
		return m.send(ctx, r)
	}
	m.last, m.shown = m.clock.Now(), r.Text
	return nil
}

// progress edits the message with a partial answer. The first words are
// shown at once, so that the answer is seen to come; after that, a version
// that comes too soon after the last edit is skipped, a later one will
// show.
func (m *message) progress(ctx context.Context, r bot.Reply) {
	if m.noEdits {
		if m.clock.Now().Sub(m.last) >= typingEvery {
			m.typing(ctx)
		}
		return
	}
	if m.id == "" || r.Text == m.shown || m.progressed && m.clock.Now().Sub(m.last) < m.every {
		return
	}
	m.progressed = true
	r.EditID = m.id
	// A failed progress edit is not worth stopping for: the final one
	// carries everything.
	if _, err := m.s.Send(ctx, m.chatID, r); err == nil {
		m.shown = r.Text
	}
	m.last = m.clock.Now()
}

// final shows the finished answer: an edit of the message once the pace
// allows, or a new message if there is none yet or the edit fails.
func (m *message) final(ctx context.Context, r bot.Reply) error {
	if m.id == "" || m.noEdits {
		return m.send(ctx, r)
	}
	if wait := m.every - m.clock.Now().Sub(m.last); wait > 0 {
		select {
		case <-m.clock.After(wait):
		case <-ctx.Done():
			return fmt.Errorf("send answer: %w", ctx.Err())
		}
	}
	return m.edit(ctx, r)
}
