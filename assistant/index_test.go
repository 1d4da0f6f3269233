package assistant_test

import (
	"strings"
	"testing"

	"github.com/bottega-app/bottega/assistant"
	"github.com/bottega-app/bottega/content"
	"github.com/bottega-app/bottega/store"
)

// A quiz passage is quoted to learners as what the lesson says: a false
// statement must not be in it, a true one and a choice's right answer
// must.
func TestQuizPassagesSayWhatIsTrue(t *testing.T) {
	c, err := content.Builtin()
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := assistant.Passages(c)
	bodies := map[string]string{} // lesson/quiz/locale
	for _, p := range ps {
		if p.Kind == store.PassageQuiz {
			bodies[p.LessonID+"/"+p.Ref+"/"+p.Locale] = p.Body
		}
	}
	falses, checked := 0, 0
	for _, l := range c.Lessons() {
		for _, q := range l.Quiz {
			for _, loc := range []string{"it", "en"} {
				body, ok := bodies[l.ID+"/"+q.ID+"/"+loc]
				if !ok {
					t.Errorf("no passage for quiz %s/%s in %s", l.ID, q.ID, loc)
					continue
				}
				checked++
				stmt := strings.TrimSpace(q.Question.Get(loc))
				switch {
				case q.Kind == content.TrueFalse && q.Correct != 0:
					falses++
					if strings.Contains(body, stmt) {
						t.Errorf("%s/%s (%s) quotes the false statement %q", l.ID, q.ID, loc, stmt)
					}
				case q.Kind == content.Choice:
					if right := strings.TrimSpace(q.Options[q.Correct].Get(loc)); !strings.Contains(body, right) {
						t.Errorf("%s/%s (%s) lacks the right answer %q", l.ID, q.ID, loc, right)
					}
				default:
					if !strings.Contains(body, stmt) {
						t.Errorf("%s/%s (%s) lacks the true statement %q", l.ID, q.ID, loc, stmt)
					}
				}
				if !strings.Contains(body, strings.TrimSpace(q.Explain.Get(loc))) {
					t.Errorf("%s/%s (%s) lacks the explanation", l.ID, q.ID, loc)
				}
			}
		}
	}
	if falses == 0 || checked < 50 {
		t.Fatalf("checked %d quiz passages, %d false statements: the curriculum should have more", checked, falses)
	}
}
