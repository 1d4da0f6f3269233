package assistant

import "testing"

func TestWithoutTrade(t *testing.T) {
	for _, c := range []struct{ q, role, want string }{
		{"what should i put in my instagram bio as a private tour guide in rome", "guide", "what should i put in my instagram bio as a in rome"},
		// A word that qualifies the trade goes with it; alone, it is
		// what is asked.
		{"sono guida abilitata, come faccio la bio?", "guide", "sono come faccio la bio"},
		{"tour guide here: should my instagram be private?", "guide", "here should my instagram be private"},
		{"come capisco se i Cittadini leggono i post del Comune?", "municipal", "come capisco se i leggono i post del"},
		{"hola! soy guía en roma", "guide", "hola soy en roma"},
		{"un esempio di bio per una Panetteria?", "shopkeeper", "un esempio di bio per una"},
		{"mi consigli una pizzeria?", "shopkeeper", "mi consigli una pizzeria?"},
		{"come apro un e-commerce per il negozio?", "shopkeeper", "come apro un e commerce per il"},
		// Another role's trade is what is asked.
		{"come capisco se i cittadini leggono i post?", "shopkeeper", "come capisco se i cittadini leggono i post?"},
		{"tour guide", "guide", "tour guide"}, // nothing else to search
		{"tour guide", "", "tour guide"},
	} {
		if got := withoutTrade(c.q, c.role); got != c.want {
			t.Errorf("withoutTrade(%q, %q) = %q, want %q", c.q, c.role, got, c.want)
		}
	}
}
