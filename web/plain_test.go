package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// tips returns the suggestions listed on a checked page, unescaped.
func tips(body string) []string {
	var out []string
	ol := regexp.MustCompile(`(?s)<ol id="tips">(.*?)</ol>`).FindStringSubmatch(body)
	if ol == nil {
		return nil
	}
	for _, m := range regexp.MustCompile(`(?s)<li>(.*?)</li>`).FindAllStringSubmatch(ol[1], -1) {
		out = append(out, html.UnescapeString(m[1]))
	}
	return out
}

func TestPlainLanguagePage(t *testing.T) {
	r := newRig(t)
	c := r.signIn()
	code, body, _ := c.do("GET", "/console/plain", nil)
	if code != 200 || !strings.Contains(body, "Text to check") || !strings.Contains(body, `href="/console/plain" aria-current="page"`) {
		t.Fatalf("plain page = %d\n%s", code, body)
	}
	notice := "Si comunica che, ai sensi dell'ordinanza sindacale n. 45, in ottemperanza alle vigenti disposizioni, è fatto divieto di transito a tutti i veicoli in via Garibaldi a decorrere dal giorno 12 c.m. e fino a cessate esigenze."
	for _, tc := range []struct {
		name, lang, text, verdict, index, score string
		tips                                    []string // each found in its suggestion, in order
		other                                   string
	}{
		{
			// Italian officialese, checked in English: the suggestions
			// are in the admin's language, quoting the Italian text.
			name: "notice", lang: "en", text: notice, verdict: "Not clear enough", index: "Gulpease",
			// 1 sentence, 173 letters, 38 words: 89 + (300 - 1730) / 38 = 51.4.
			score: "51",
			tips:  []string{"Split the sentence that starts", `"si comunica che"`, "Say what to do", "Explain c.m.", `Instead of "ai sensi dell'", write "secondo l'"`},
			other: "Checked as an Italian text.",
		},
		{
			name: "notice in Italian", lang: "it", text: notice, verdict: "Poco chiaro", index: "Gulpease",
			score: "51",
			tips:  []string{"Dividi la frase che inizia con", "Togli «si comunica che»", "Di' cosa fare", "Spiega c.m.", "Al posto di «ai sensi dell'» scrivi «secondo l'»"},
		},
		{
			name: "plain post", lang: "en", text: "The Christmas market in Market Square opens on Friday 5 December at 10am. Come early for the lantern parade at 5pm. Free entry.",
			verdict: "Clear and easy to read", index: "Flesch", score: "74",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _ = c.do("GET", "/console/plain?lang="+tc.lang, nil)
			code, body, _ := c.post("/console/plain", url.Values{"text": {tc.text}})
			if code != 200 {
				t.Fatalf("check = %d\n%s", code, body)
			}
			if !strings.Contains(body, tc.verdict) || !strings.Contains(body, "<dt>"+tc.index+"</dt>") ||
				!strings.Contains(body, `<dd id="index">`+tc.score) {
				t.Errorf("without %q and %s %s\n%s", tc.verdict, tc.index, tc.score, body)
			}
			// The text stays in the form, to be corrected.
			if !strings.Contains(body, html.EscapeString(tc.text)) {
				t.Errorf("the text is not in the form again")
			}
			got := tips(body)
			if len(got) != len(tc.tips) {
				t.Fatalf("suggestions %q, want %d", got, len(tc.tips))
			}
			for i, want := range tc.tips {
				if !strings.Contains(got[i], want) {
					t.Errorf("suggestion %d = %q, want %q in it", i+1, got[i], want)
				}
			}
			if tc.tips == nil && (got != nil || !strings.Contains(body, "Nothing to change")) {
				t.Errorf("a plain text got suggestions %q", got)
			}
			if (tc.other != "") != strings.Contains(body, "Checked as an") || !strings.Contains(body, tc.other) {
				t.Errorf("the language note, want %q", tc.other)
			}
		})
	}
	_, _, _ = c.do("GET", "/console/plain?lang=en", nil)
	// Bad input: a clear answer, the form again, status 400.
	for _, bad := range []struct{ text, want string }{
		{"", "A text to check is needed"},
		{"  🎉 👍  ", "A text to check is needed"},
		// Too few words for a readability that means anything.
		{"asdfgh qwerty", "A text to check is needed"},
		{strings.Repeat("Parola ", 500), "at most 3000 characters, this one has 3499"},
		// Italian and English rules would judge it wrongly.
		{"Ab Montag neue Öffnungszeiten: Mo-Fr 6 bis 18 Uhr, Samstag 7 bis 13 Uhr. Wir freuen uns auf euren Besuch!", "seems to be in another language"},
	} {
		code, body, _ := c.post("/console/plain", url.Values{"text": {bad.text}})
		if code != http.StatusBadRequest || !strings.Contains(body, bad.want) || strings.Contains(body, `id="verdict"`) {
			t.Errorf("%.20q = %d, want 400 with %q\n%s", bad.text, code, bad.want, body)
		}
	}
}

func TestPlainLanguageNeedsSessionAndCSRF(t *testing.T) {
	r := newRig(t)
	anon := r.client()
	if code, _, _ := anon.do("GET", "/console/plain", nil); code != http.StatusUnauthorized {
		t.Errorf("without a session = %d", code)
	}
	c := r.signIn()
	form := url.Values{"text": {"Si comunica che la biblioteca resterà chiusa."}}
	if code, body, _ := c.do("POST", "/console/plain", form); code != http.StatusForbidden || strings.Contains(body, `id="verdict"`) {
		t.Errorf("without the CSRF token = %d", code)
	}
	form.Set("csrf", "not-the-token")
	if code, _, _ := c.do("POST", "/console/plain", form); code != http.StatusForbidden {
		t.Errorf("with a wrong CSRF token = %d", code)
	}
}

// countOf counts the elements that match sel into n.
func countOf(sel string, n *int) chromedp.Action[chromedp.Void] {
	return func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		v, err := chromedp.Evaluate[int]("document.querySelectorAll("+strconv.Quote(sel)+").length")(ctx, t)
		*n = v
		return chromedp.Void{}, err
	}
}

// TestBrowserPlainLanguage checks a text from the console's page in a real
// browser.
func TestBrowserPlainLanguage(t *testing.T) {
	r := newRig(t)
	ctx := browser(t)
	var verdict, index, first string
	var n int
	err := chromedp.Do(ctx,
		chromedp.Navigate(r.srv.URL+"/console/login?t="+r.link(admin)),
		chromedp.WaitVisible(`button[type=submit]`),
		chromedp.Click(`button[type=submit]`),
		chromedp.WaitVisible(`svg.funnel`),
		chromedp.Click(`a[href="/console/plain"]`),
		chromedp.WaitVisible(`#text`),
		chromedp.SendKeys(`#text`, "Please be advised that, pursuant to the Council's statutory obligations, residents are requested to ensure that all refuse receptacles are placed at the kerbside no later than 7am on the day of collection. #recyclingweek"),
		chromedp.Click(`#check`),
		chromedp.WaitVisible(`#verdict`),
		textOf(`#verdict`, &verdict),
		textOf(`#index`, &index),
		textOf(`#tips li:first-child`, &first),
		countOf(`#tips li`, &n),
		shot("plain"),
	)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(verdict, "Not clear enough") || !strings.HasPrefix(index, "3") || n < 3 || n > 5 ||
		!strings.Contains(first, "Split the sentence that starts") {
		t.Errorf("verdict %q, index %q, %d suggestions, the first %q", verdict, index, n, first)
	}
}
