package assistant_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/flows"
)

func urlButtons(r bot.Reply) []string {
	var out []string
	for _, row := range r.Buttons {
		for _, b := range row {
			if b.URL != "" {
				out = append(out, b.URL)
			}
		}
	}
	return out
}

// An urgent problem gets the platform's official recovery path, plainly:
// instead of the lessons' excerpts when they do not answer it, after their
// answer when they do, and never a loosely related quiz question.
func TestUrgentProblems(t *testing.T) {
	tests := []struct {
		locale, question, site, url string
	}{
		{"it", "mi hanno hackerato la pagina, cosa faccio?", "facebook.com/hacked", "https://www.facebook.com/hacked"},
		{"it", "ho perso il numero di whatsapp del negozio, come lo recupero?", "faq.whatsapp.com", "https://faq.whatsapp.com/1131652977717250"},
		{"it", "non riesco più ad accedere all'account google della scheda", "g.co/recover", "https://accounts.google.com/signin/recovery"},
		{"en", "my instagram account got hacked, help", "instagram.com/hacked", "https://www.instagram.com/hacked"},
		{"de", "Mein Facebook-Konto wurde gehackt, was tun?", "facebook.com/hacked", "https://www.facebook.com/hacked"},
	}
	for _, llm := range []bool{false, true} {
		h := newHarness(t, llm, nil)
		if llm {
			h.llm.SetReply(func(req openai.ChatCompletionRequest) string {
				if isRewrite(req) {
					return "it: account violato recupero sicurezza\nen: hacked account recovery security"
				}
				return "NOT_COVERED"
			})
		}
		for i, tt := range tests {
			// A learner each, so that no question reads as a follow-up.
			l := learner(t, h, strconv.Itoa(100+i), tt.locale, bottega.RoleShopkeeper)
			h.ask(l, tt.question)
			final := h.out.last(t)
			tr := func(id string) string { return h.texts.T(tt.locale, id, nil) }
			if !strings.HasPrefix(final.Text, tr("ask_urgent")) && !strings.Contains(final.Text, tr("ask_urgent_also")) {
				t.Errorf("llm %v, %q: answer %q, want the official help path", llm, tt.question, final.Text)
			}
			if !strings.Contains(final.Text, tt.site) {
				t.Errorf("llm %v, %q: answer lacks %s:\n%s", llm, tt.question, tt.site, final.Text)
			}
			if urls := urlButtons(final.Reply); len(urls) == 0 || !strings.Contains(strings.Join(urls, " "), tt.url) {
				t.Errorf("llm %v, %q: link buttons %v, want %s", llm, tt.question, urls, tt.url)
			}
			if quiz := strings.TrimPrefix(tr("ask_source_quiz"), "«"); strings.Contains(final.Text, "quiz") || strings.Contains(final.Text, quiz) {
				t.Errorf("llm %v, %q: a quiz question is quoted:\n%s", llm, tt.question, final.Text)
			}
			if data := buttonData(final.Reply); len(data) < 2 || !strings.HasPrefix(data[len(data)-2], "v1|a|up|") {
				t.Errorf("llm %v, %q: the feedback buttons are not last: %v", llm, tt.question, data)
			}
		}
	}
}

// When a lesson answers an urgent problem, the answer is the lesson's,
// and the official path follows it.
func TestUrgentCoveredByLesson(t *testing.T) {
	h := newHarness(t, true, nil)
	const reply = "Cambia subito la password e attiva la verifica in due passaggi [1]."
	h.llm.SetReply(func(openai.ChatCompletionRequest) string { return reply })
	h.ask(h.learner, "mi hanno hackerato la pagina facebook del comune, cosa faccio?")
	final := h.out.last(t)
	if !strings.HasPrefix(final.Text, reply) || !strings.Contains(final.Text, h.tr("ask_urgent_also", nil)) || !strings.Contains(final.Text, "facebook.com/hacked") {
		t.Errorf("answer %q, want the lesson's answer then the official path", final.Text)
	}
	if !strings.Contains(final.Text, h.tr("ask_sources", nil)) {
		t.Errorf("the answer lost its sources: %q", final.Text)
	}
}

// An urgent problem the lessons cover is answered by the lesson's
// recovery step, whatever else the question tells: the lessons are
// not said to leave it out.
func TestUrgentAnsweredByTheRecoveryStep(t *testing.T) {
	tests := []struct{ locale, question, want string }{
		{"it", "AIUTO mi hanno rubato l'account instagram, hanno cambiato mail e numero e adesso postano cose sui bitcoin", "instagram.com/hacked e segui la procedura ufficiale"},
		{"en", "someone stole my instagram account, changed the email and phone and now they post crypto ads", "instagram.com/hacked and follow the official steps"},
	}
	h := newHarness(t, false, nil)
	for i, tt := range tests {
		l := learner(t, h, strconv.Itoa(200+i), tt.locale, bottega.RoleArtisan)
		h.ask(l, tt.question)
		final := h.out.last(t)
		if strings.HasPrefix(final.Text, h.texts.T(tt.locale, "ask_urgent", nil)) || !strings.Contains(final.Text, tt.want) {
			t.Errorf("%q: answer %q, want the recovery step's %q", tt.question, final.Text, tt.want)
		}
		if urls := urlButtons(final.Reply); !strings.Contains(strings.Join(urls, " "), "https://www.instagram.com/hacked") {
			t.Errorf("%q: link buttons %v, want the official path too", tt.question, urls)
		}
	}
}

// Questions that are not urgent get no help links.
func TestNotUrgent(t *testing.T) {
	h := newHarness(t, false, nil)
	h.ask(h.learner, "come faccio una diretta dalla pagina del Comune?")
	if final := h.out.last(t); len(urlButtons(final.Reply)) > 0 || strings.Contains(final.Text, "hacked") {
		t.Errorf("a plain question got help links: %+v", final.Reply)
	}
}

const review = "⭐ Una stella. Siamo venuti sabato sera, abbiamo aspettato quaranta minuti per un tavolo prenotato e la pizza è arrivata fredda. " +
	"Il cameriere non si è nemmeno scusato e alla cassa ci hanno fatto pagare anche il coperto del bambino. Locale sopravvalutato, non torneremo. " +
	"Sconsiglio a tutti, ci sono posti migliori in centro a prezzi più onesti."

// A pasted review with "how do I reply?" is accepted up to 2,000
// characters and answered with the reviews lesson's method: a labelled
// draft with a model, the method's steps quoted without one.
func TestPastedText(t *testing.T) {
	msg := review + "\n\ncome rispondo?"
	offline := newHarness(t, false, nil)
	t.Run("offline", func(t *testing.T) {
		h := offline
		// A pizzeria's review: its owner asks.
		replies := h.ask(learner(t, h, "43", "it", bottega.RoleShopkeeper), msg)
		if len(replies) != 1 || replies[0].Task == nil {
			t.Fatalf("a %d-character pasted text was refused: %+v", len([]rune(msg)), replies)
		}
		final := h.out.last(t)
		if !strings.HasPrefix(final.Text, h.tr("ask_pasted_offline", nil)) {
			t.Errorf("answer %q, want the method to apply", final.Text)
		}
		if data := buttonData(final.Reply); len(data) < 3 || !strings.Contains(data[0], "|reviews") {
			t.Errorf("buttons %v, want the reviews lesson first\n%s", data, final.Text)
		}
		if !strings.Contains(final.Text, "[1] «") {
			t.Errorf("the method is not cited: %q", final.Text)
		}
		if strings.Contains(final.Text, h.tr("ask_pasted_check", nil)) {
			t.Errorf("a reply asked for points to the text checker: %q", final.Text)
		}
	})
	t.Run("offline, a draft to judge", func(t *testing.T) {
		h := offline
		draft := "Si comunica alla cittadinanza che in data odierna, a causa di lavori di manutenzione straordinaria della rete idrica, " +
			"l'erogazione dell'acqua potabile sarà sospesa in via Verdi dalle ore 9 alle ore 13."
		h.ask(h.learner, draft+"\n\nva bene da pubblicare?")
		final := h.out.last(t)
		if !strings.HasPrefix(final.Text, h.tr("ask_pasted_offline", nil)) || !strings.HasSuffix(final.Text, h.tr("ask_pasted_check", nil)) {
			t.Errorf("answer %q, want the method and the way to the text checker", final.Text)
		}
		// Its first button checks the draft in the checker at once.
		q := h.lastQuestion()
		if data := buttonData(final.Reply); len(data) == 0 || data[0] != flows.CheckPastedData(q.ID) {
			t.Errorf("buttons %v, want the checker's first", data)
		}
		ctx := context.Background()
		got, err := h.a.PastedText(ctx, h.db, h.learner.ID, q.ID)
		if err != nil || got != draft {
			t.Errorf("pasted text %q (%v), want the draft", got, err)
		}
		if got, err := h.a.PastedText(ctx, h.db, h.learner.ID+1000, q.ID); err != nil || got != "" {
			t.Errorf("another learner got %q (%v) from the question", got, err)
		}
	})
	t.Run("with a model", func(t *testing.T) {
		h := newHarness(t, true, nil)
		h.learner.Role = bottega.RoleShopkeeper
		if err := h.db.UpdateLearner(context.Background(), h.learner); err != nil {
			t.Fatal(err)
		}
		const reply = "Ringrazia, scusati per l'attesa e invita a tornare [1].\nDRAFT:\nGentile cliente, grazie per averci scritto: ci dispiace per l'attesa e per la pizza fredda."
		h.llm.SetReply(func(req openai.ChatCompletionRequest) string {
			if isRewrite(req) {
				return "it: rispondere recensione negativa\nen: reply negative review"
			}
			return reply
		})
		h.ask(h.learner, msg)
		_, streams := answers(h.llm.Requests())
		if len(streams) != 1 {
			t.Fatalf("%d answer requests", len(streams))
		}
		user := streams[0].Messages[len(streams[0].Messages)-1].Content
		if !strings.Contains(user, "<<<TEXT\n"+review+"\nTEXT>>>") || !strings.HasSuffix(user, "<<<QUESTION\ncome rispondo?\nQUESTION>>>") {
			t.Errorf("the text and the question are not quoted apart:\n%s", user)
		}
		if !strings.Contains(user, "Recensioni") && !strings.Contains(user, "recensioni") {
			t.Errorf("the passages are not the reviews lesson's:\n%s", user)
		}
		final := h.out.last(t)
		if strings.Contains(final.Text, "DRAFT:") || !strings.Contains(final.Text, h.tr("ask_draft", nil)+"\nGentile cliente") {
			t.Errorf("answer %q, want the draft labelled", final.Text)
		}
		for _, m := range h.out.all() {
			if strings.Contains(m.Text, "DRAFT:") {
				t.Errorf("the learner saw the draft mark: %q", m.Text)
			}
		}
	})
	t.Run("too long", func(t *testing.T) {
		h := offline
		long := strings.Repeat(review+"\n", 2001/len([]rune(review))+1) + "come rispondo?"
		replies := h.ask(h.learner, long)
		if len(replies) != 1 || replies[0].Task != nil || replies[0].Text != h.tr("ask_too_long", map[string]any{"Max": 2000}) {
			t.Fatalf("replies %+v", replies)
		}
	})
}

// learner makes another learner of the harness's database.
func learner(t *testing.T, h *harness, id, locale, role string) bottega.Learner {
	t.Helper()
	l, _, err := h.db.EnsureLearner(context.Background(), "test", id, id, "L"+id, locale)
	if err != nil {
		t.Fatal(err)
	}
	l.Role, l.Locale = role, locale
	if err := h.db.UpdateLearner(context.Background(), l); err != nil {
		t.Fatal(err)
	}
	return l
}

// A learner who keeps nothing in the database has their role in the
// session only: the answer, worked out after the update's transaction,
// still favours the lessons meant for it.
func TestRoleWithoutConsent(t *testing.T) {
	h := newHarness(t, false, nil)
	const question = "come leggo la copertura e le interazioni dei post?"
	for _, c := range []struct{ role, lesson string }{
		{bottega.RoleShopkeeper, "insights"},
		{bottega.RoleMunicipal, "monthly-page-report"},
	} {
		l := learner(t, h, "r-"+c.role, "it", "")
		if l.ConsentAt != nil || l.Role != "" {
			t.Fatalf("learner %+v: want one without consent and role", l)
		}
		l.Role = c.role // in the session, as the flows keep it
		h.clock.Advance(time.Hour)
		h.out.reset()
		h.ask(l, question)
		if q := h.lastQuestion(); q.Mode != "offline" || len(q.Lessons) == 0 || q.Lessons[0] != c.lesson {
			t.Errorf("%s: answered from %v (%s), want %s first\n%s", c.role, q.Lessons, q.Mode, c.lesson, h.out.last(t).Text)
		}
	}
}

// A request to write a post that calls someone a cheat is declined saying
// why, with the way on to the menu, and never reaches a model; asking how
// to answer such words is answered from the reviews lesson.
func TestDefamationDeclined(t *testing.T) {
	const q = "fammi un post che dice che il falegname di San Lorenzo è un truffatore, tanto lo sanno tutti"
	withLLM := newHarness(t, true, nil)
	withLLM.llm.SetReply(func(openai.ChatCompletionRequest) string {
		return "Ecco il post: «Il falegname di San Lorenzo è un truffatore» [1]"
	})
	withLLM.ask(withLLM.learner, q)
	if r := withLLM.out.last(t).Reply; r.Text != withLLM.tr("ask_defame", nil) || len(withLLM.llm.Requests()) > 0 {
		t.Errorf("with a model, a request to defame got %q after %d model calls, want the reason and none", r.Text, len(withLLM.llm.Requests()))
	}

	h := newHarness(t, false, nil)
	h.ask(h.learner, q)
	r := h.out.last(t).Reply
	if r.Text != h.tr("ask_defame", nil) || !hasButton(r, flows.MenuData()) {
		t.Errorf("a request to defame got %q %+v, want the reason and the way on", r.Text, r.Buttons)
	}
	h.out.reset()
	h.ask(h.learner, "un cliente in una recensione su google mi ha dato del truffatore, come gli rispondo?")
	if r := h.out.last(t).Reply; r.Text == h.tr("ask_defame", nil) || !strings.Contains(r.Text, "recensioni") && !strings.Contains(r.Text, "Recensioni") {
		t.Errorf("how to answer an accusation got %q, want the reviews lesson", r.Text)
	}
}

// A question about going to law, or one for an accountant, is declined
// saying who can answer it, with the way on to the menu; a question about
// invoices the lessons answer is not.
func TestDeclinedSayingWhoCanAnswer(t *testing.T) {
	h := newHarness(t, false, nil)
	for _, c := range []struct{ q, key string }{
		{"un cittadino insulta il sindaco nei commenti, il comune può querelarlo?", "ask_legal"},
		{"quanto pago di tasse se vendo le mie ceramiche su etsy?", "ask_tax"},
	} {
		h.ask(h.learner, c.q)
		r := h.out.last(t).Reply
		if r.Text != h.tr(c.key, nil) || !hasButton(r, flows.MenuData()) {
			t.Errorf("%q got %q %+v, want %s and the way on", c.q, r.Text, r.Buttons, c.key)
		}
		h.out.reset()
	}
	h.ask(h.learner, "un cliente vuole che cancello i suoi dati, devo buttare anche le fatture?")
	if r := h.out.last(t).Reply; r.Text == h.tr("ask_tax", nil) || !strings.Contains(r.Text, "dieci anni") {
		t.Errorf("keeping invoices got %q, want the lesson's ten years", r.Text)
	}
}

// A sentence that announces a list ("risponde a quattro domande:") is
// quoted with its list: the announcement alone answers nothing.
func TestListQuotedWithItsAnnouncement(t *testing.T) {
	h := newHarness(t, false, nil)
	l := learner(t, h, "200", "it", bottega.RoleMunicipal)
	h.ask(l, "urgente domani allerta meteo arancione cosa scrivo nel post??")
	final := h.out.last(t)
	if strings.Contains(final.Text, "quattro domande") && !strings.Contains(final.Text, "Cosa devono fare i cittadini adesso?") {
		t.Errorf("the four questions are announced, not listed:\n%s", final.Text)
	}
	if !strings.Contains(final.Text, "Quali numeri chiamare?") {
		t.Errorf("answer lacks the emergency message's four questions:\n%s", final.Text)
	}
}

// A town hall's communicator who pastes a citizen's angry comment gets the
// method for replying to citizens, not the shop lesson on reviews (its
// refunds and replacements are no help to a town hall); a shopkeeper who
// pastes a bad review still gets the reviews lesson.
func TestPastedCommentByRole(t *testing.T) {
	h := newHarness(t, false, nil)
	for i, c := range []struct{ role, question, lesson string }{
		{bottega.RoleMunicipal, `un cittadino ha scritto sotto il post "siete dei incapaci, da 3 settimane la buca in via Garibaldi e nessuno fa niente!!!" come gli rispondo`, "citizen-communication"},
		{bottega.RoleShopkeeper, `una cliente ha scritto "pessimo servizio, commessa scortese, non ci torno più" come le rispondo?`, "reviews"},
		// A customer asking, not complaining: no method for bad reviews.
		{bottega.RoleGuide, `un turista mi ha scritto su whatsapp: "Hi! do you do tours in english? how much for 2 people saturday morning?" come gli rispondo?`, "!reviews"},
		{bottega.RoleShopkeeper, `mi e arrivato su whatsapp "buongiorno mi porta a casa domani mattina 2 pagnotte un litro di latte e due etti di cotto, via garibaldi 4, pago alla consegna grazie" cosa gli scrivo?`, "whatsapp-business"},
	} {
		l := learner(t, h, strconv.Itoa(400+i), "it", c.role)
		h.ask(l, c.question)
		final := h.out.last(t)
		if strings.Contains(final.Text, h.tr("ask_pasted_check", nil)) {
			t.Errorf("%s: a customer's text to answer points to the text checker: %q", c.role, final.Text)
		}
		data := buttonData(final.Reply)
		if not, ok := strings.CutPrefix(c.lesson, "!"); ok {
			if len(data) == 0 || strings.HasPrefix(data[0], flows.OpenLessonData(not, "")) {
				t.Errorf("%s: buttons %v, want a lesson other than %s first\n%s", c.role, data, not, final.Text)
			}
			continue
		}
		if len(data) == 0 || !strings.HasPrefix(data[0], flows.OpenLessonData(c.lesson, "")) {
			t.Errorf("%s: buttons %v, want the %s lesson first\n%s", c.role, data, c.lesson, final.Text)
		}
	}
}

// What the lessons help with is said for the learner's work: a shop is not
// offered the town hall's communication, nor a town hall the shop's.
func TestCanHelpByRole(t *testing.T) {
	h := newHarness(t, false, nil)
	for i, c := range []struct{ role, help string }{
		{bottega.RoleShopkeeper, "ask_can_help_business"},
		{bottega.RoleMunicipal, "ask_can_help_town"},
		{"", "ask_can_help"},
	} {
		l := learner(t, h, strconv.Itoa(600+i), "it", c.role)
		h.ask(l, "come si fa la carbonara?")
		final := h.out.last(t)
		if want := h.tr("ask_not_covered", nil) + " " + h.tr(c.help, nil); !strings.HasPrefix(final.Text, want) {
			t.Errorf("%q: answer %q, want %q", c.role, final.Text, want)
		}
	}
}

// A question typed the way a hurried shopkeeper types it, "come" and
// "mettere" misspelled together, is answered from the lesson the clean
// question finds.
func TestMisspelledQuestion(t *testing.T) {
	h := newHarness(t, false, nil)
	l := learner(t, h, "700", "it", bottega.RoleShopkeeper)
	h.ask(l, "cme si fa a mettre le foto dell frutta fresca su facebok che vengno belle")
	final := h.out.last(t)
	if data := buttonData(final.Reply); len(data) == 0 || !strings.HasPrefix(data[0], flows.OpenLessonData("product-photos", "")) {
		t.Errorf("buttons %v, want the photos lesson first\n%s", data, final.Text)
	}
}
