package certificate_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/certificate"
	"github.com/bottega-app/bottega/locales"
	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func texts(t *testing.T) *locales.Catalog {
	t.Helper()
	c, err := locales.Load()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// poppler returns the path of a poppler-utils command, or fails saying how
// to install it.
func poppler(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s not found: install poppler-utils (apt-get install poppler-utils, or scripts/ensure-poppler.sh)", name)
	}
	return p
}

func sample(lang, name string) bottega.Certificate {
	lessons := []string{
		"Farsi trovare su Google Maps", "Foto dei prodotti col telefono", "Instagram per la bottega",
		"WhatsApp Business: catalogo e risposte rapide", "Recensioni, e come rispondere", "Un piano editoriale leggero",
		"Le prime inserzioni", "Vendere online con le regole", "Newsletter e canali di proprietà",
		"Video brevi: gancio, copione, sottotitoli", "L'intelligenza artificiale generativa per la bottega",
	}
	return bottega.Certificate{
		Code: "K7M2Q9ABCD", TrackID: "negozio", TrackTitle: "Bottega digitale: negozio e artigianato", Name: name,
		Locale: lang, Lessons: lessons, Minutes: 95, IssuedAt: time.Date(2026, 12, 2, 15, 4, 5, 0, time.UTC),
	}
}

// TestPDFHasTheNameWithItsAccents renders certificates whose names need
// letters beyond ASCII, turns each into an image with pdftoppm and its
// text with pdftotext, and finds the name, the track, the hours, the code
// and the verification address, in the learner's language.
func TestPDFHasTheNameWithItsAccents(t *testing.T) {
	toppm, totext := poppler(t, "pdftoppm"), poppler(t, "pdftotext")
	cases := []struct {
		lang, name string
		want       []string
	}{
		{"pl", "Łucja Gołębiowska-Wróbel", []string{"Certyfikat ukończenia", "Godziny szkolenia: 1,5", "Data: 02.12.2026"}},
		{"it", "Niccolò Fabbriciò D'Agostino", []string{"Attestato di frequenza", "Ore di formazione: 1,5", "Data: 02/12/2026"}},
		{"de", "Jürgen Weißmüller", []string{"Abschlusszertifikat", "Stunden Weiterbildung: 1,5", "Datum: 02.12.2026"}},
		{"en", "Zoë Ångström", []string{"Certificate of completion", "Hours of training: 1.5", "Date: 2 December 2026"}},
	}
	for _, tc := range cases {
		t.Run(tc.lang, func(t *testing.T) {
			c := sample(tc.lang, tc.name)
			url := bottega.VerifyURL("https://bottega.example.org/", c.Code)
			pdf, err := certificate.Render(texts(t), c, url)
			if err != nil {
				t.Fatal(err)
			}
			again, err := certificate.Render(texts(t), c, url)
			if err != nil || !bytes.Equal(pdf, again) {
				t.Errorf("the same certificate rendered twice differs (%v)", err)
			}
			dir := t.TempDir()
			file := filepath.Join(dir, "cert.pdf")
			if err := os.WriteFile(file, pdf, 0o600); err != nil {
				t.Fatal(err)
			}
			// The page as an image: one PNG, of a sensible size.
			if out, err := exec.Command(toppm, "-png", "-r", "50", file, filepath.Join(dir, "page")).CombinedOutput(); err != nil { // #nosec G204 -- a test running poppler on its own file
				t.Fatalf("pdftoppm: %v\n%s", err, out)
			}
			pngs, _ := filepath.Glob(filepath.Join(dir, "page*.png"))
			if len(pngs) != 1 {
				t.Fatalf("pdftoppm made %d pages, want 1", len(pngs))
			}
			if fi, err := os.Stat(pngs[0]); err != nil || fi.Size() < 5000 {
				t.Errorf("page image: %v, %v", fi, err)
			}
			out, err := exec.Command(totext, "-layout", file, "-").Output() // #nosec G204 -- as above
			if err != nil {
				t.Fatalf("pdftotext: %v", err)
			}
			text := string(out)
			for _, w := range append(tc.want, tc.name, c.TrackTitle, c.Code, url, "Farsi trovare su Google Maps") {
				if !strings.Contains(text, w) {
					t.Errorf("the PDF's text lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

// TestPDFOfANameWithEmoji: a name issued with an emoji, before names were
// checked for them, renders without it rather than failing every time.
func TestPDFOfANameWithEmoji(t *testing.T) {
	totext := poppler(t, "pdftotext")
	c := sample("it", "Giulia 🌸 D'Angelo ☕")
	pdf, err := certificate.Render(texts(t), c, bottega.VerifyURL("https://bottega.example.org/", c.Code))
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "cert.pdf")
	if err := os.WriteFile(file, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(totext, "-layout", file, "-").Output() // #nosec G204 -- a test running poppler on its own file
	if err != nil || !strings.Contains(string(out), "Giulia D'Angelo") {
		t.Errorf("the name is not printed without its emoji (%v):\n%s", err, out)
	}
}

// TestCleanNameRefusesSymbols: letters of any alphabet, accents written
// apart, apostrophes and hyphens make a name; emoji and symbols do not.
func TestCleanNameRefusesSymbols(t *testing.T) {
	for name, ok := range map[string]bool{
		"Łucja Gołębiowska-Wróbel": true, "Niccolò D'Agostino": true, "Zoe\u0308 Ångström": true, "Σοφία Παπαδοπούλου": true,
		"Giulia 🌸 D'Angelo": false, "🌸🌸": false, "Marco ★": false, "Anna ©": false, "R2-D2": false,
	} {
		if _, got := bottega.CleanName(name); got != ok {
			t.Errorf("CleanName(%q) = %v, want %v", name, got, ok)
		}
	}
}

// fakeStore holds certificates in memory for the task.
type fakeStore map[string]bottega.Certificate

func (f fakeStore) FindCertificate(_ context.Context, code string) (bottega.Certificate, bool, error) {
	c, ok := f[code]
	return c, ok, nil
}

type sent struct{ replies []bot.Reply }

func (s *sent) Send(_ context.Context, _ string, r bot.Reply) (string, error) {
	s.replies = append(s.replies, r)
	return "1", nil
}

// TestTaskSendsThePDF: the task sends the certificate's PDF, and nothing
// for a certificate that is gone.
func TestTaskSendsThePDF(t *testing.T) {
	c := sample("it", "Niccolò Rossi")
	k := certificate.Task{Store: fakeStore{c.Code: c}, Texts: texts(t), PublicURL: "https://b.example.org"}
	var s sent
	if err := k.Run(context.Background(), &s, "chat", []byte(`{"code":"K7M2Q9ABCD"}`)); err != nil {
		t.Fatal(err)
	}
	if len(s.replies) != 1 || s.replies[0].File == nil || !bytes.HasPrefix(s.replies[0].File.Data, []byte("%PDF-")) ||
		s.replies[0].File.Name != "certificate-K7M2Q9ABCD.pdf" {
		t.Fatalf("sent %+v", s.replies)
	}
	s.replies = nil
	if err := k.Run(context.Background(), &s, "chat", []byte(`{"code":"GONE"}`)); err != nil || len(s.replies) != 0 {
		t.Errorf("a certificate gone: %v, sent %d", err, len(s.replies))
	}
}

// TestVerifyPage checks /verify/<code> on a real database: a valid
// certificate shows name, track and date and nothing else; a revoked one
// says so without them; an unknown code is a 404.
func TestVerifyPage(t *testing.T) {
	ctx := context.Background()
	db := pgtest.New(t)
	l, _, err := db.EnsureLearner(ctx, "test", "u1", "u1", "Jürgen", "de")
	if err != nil {
		t.Fatal(err)
	}
	valid := sample("de", "Jürgen Weißmüller")
	valid.LearnerID = l.ID
	revoked := valid
	revoked.Code, revoked.Name = "REV0KED234", "Jürgen Weißmüller"
	revoked.Code = "REVKED2345"
	for _, c := range []bottega.Certificate{valid, revoked} {
		if ok, err := db.CreateCertificate(ctx, c); err != nil || !ok {
			t.Fatal(ok, err)
		}
	}
	if ok, err := db.RevokeCertificate(ctx, revoked.Code, valid.IssuedAt.Add(time.Hour)); err != nil || !ok {
		t.Fatal(ok, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /verify/{code}", certificate.Verify(db, texts(t), slog.New(slog.NewTextHandler(io.Discard, nil))))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	get := func(path, lang string) (int, string) {
		req, err := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		if lang != "" {
			req.Header.Set("Accept-Language", lang)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, string(b)
	}

	// Valid, typed in lower case with a dash: the name, the track, the
	// date, in the certificate's language.
	code, body := get("/verify/k7m2q-9abcd", "en")
	if code != http.StatusOK {
		t.Errorf("valid: %d", code)
	}
	for _, w := range []string{"Dieses Zertifikat ist gültig", "Jürgen Weißmüller", valid.TrackTitle, "02.12.2026"} {
		if !strings.Contains(body, w) {
			t.Errorf("valid page lacks %q:\n%s", w, body)
		}
	}
	// Nothing else: not the lessons, the hours or the learner's id.
	for _, w := range []string{"Farsi trovare", "Stunden", "95", "u1"} {
		if strings.Contains(body, w) {
			t.Errorf("valid page shows %q:\n%s", w, body)
		}
	}

	code, body = get("/verify/"+revoked.Code, "it")
	if code != http.StatusGone || !strings.Contains(body, "widerrufen") || strings.Contains(body, "Weißmüller") || strings.Contains(body, valid.TrackTitle) {
		t.Errorf("revoked: %d\n%s", code, body)
	}

	for _, path := range []string{"/verify/NOSUCHCODE", "/verify/" + strings.Repeat("A", 200), "/verify/%3Cscript%3E"} {
		code, body = get(path, "it-IT,it;q=0.9")
		if code != http.StatusNotFound || !strings.Contains(body, "Nessun attestato ha questo codice") || strings.Contains(body, "<script>") {
			t.Errorf("unknown %s: %d\n%s", path, code, body)
		}
	}
}
