package whatsapptest_test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bottega-app/bottega/bot/whatsapp/whatsapptest"
)

type graphError struct {
	Error struct {
		Message   string `json:"message"`
		Code      int    `json:"code"`
		FBTraceID string `json:"fbtrace_id"`
		ErrorData struct {
			Details string `json:"details"`
		} `json:"error_data"`
	} `json:"error"`
}

func send(t *testing.T, s *whatsapptest.Server, body string) (int, graphError, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/v25.0/"+whatsapptest.PhoneNumberID+"/messages", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+whatsapptest.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ge graphError
	var ok struct {
		Messages []struct{ ID string } `json:"messages"`
	}
	_ = json.Unmarshal(b, &ge)
	_ = json.Unmarshal(b, &ok)
	id := ""
	if len(ok.Messages) > 0 {
		id = ok.Messages[0].ID
	}
	return resp.StatusCode, ge, id
}

func TestLimits(t *testing.T) {
	s := whatsapptest.New(t)
	s.Text("393331234567", "Giulia", "ciao") // opens the window
	buttons := func(n int, title string) string {
		var b []string
		for i := range n {
			b = append(b, fmt.Sprintf(`{"type":"reply","reply":{"id":"b%d","title":"%s%d"}}`, i, title, i))
		}
		return `{"messaging_product":"whatsapp","to":"393331234567","type":"interactive","interactive":{"type":"button","body":{"text":"Scegli"},"action":{"buttons":[` + strings.Join(b, ",") + `]}}}`
	}
	rows := func(n int, title, desc string) string {
		var b []string
		for i := range n {
			b = append(b, fmt.Sprintf(`{"id":"r%d","title":"%s%d","description":"%s"}`, i, title, i, desc))
		}
		return `{"messaging_product":"whatsapp","to":"393331234567","type":"interactive","interactive":{"type":"list","body":{"text":"Scegli"},"action":{"button":"Apri","sections":[{"title":"Lezioni","rows":[` + strings.Join(b, ",") + `]}]}}}`
	}
	text := func(n int) string {
		return `{"messaging_product":"whatsapp","to":"393331234567","type":"text","text":{"body":"` + strings.Repeat("è", n) + `"}}`
	}
	tests := []struct {
		name string
		body string
		code int
	}{
		{"text of 4096 characters", text(4096), 0},
		{"text of 4097 characters", text(4097), whatsapptest.CodeInvalidParam},
		{"3 buttons", buttons(3, "Avanti"), 0},
		{"4 buttons", buttons(4, "Avanti"), whatsapptest.CodeParamValue},
		{"title of 21 characters", buttons(1, strings.Repeat("a", 20)), whatsapptest.CodeParamValue},
		{"10 rows", rows(10, "Lezione", "breve"), 0},
		{"11 rows", rows(11, "Lezione", "breve"), whatsapptest.CodeParamValue},
		{"row title of 25 characters", rows(1, strings.Repeat("a", 24), ""), whatsapptest.CodeParamValue},
		{"row description of 73 characters", rows(1, "a", strings.Repeat("d", 73)), whatsapptest.CodeParamValue},
		{"unknown template", `{"messaging_product":"whatsapp","to":"393331234567","type":"template","template":{"name":"nope","language":{"code":"it"}}}`, whatsapptest.CodeTemplate},
		{"unknown media", `{"messaging_product":"whatsapp","to":"393331234567","type":"image","image":{"id":"1"}}`, whatsapptest.CodeParamValue},
		{"buttons under a linked photo", withHeader(buttons(2, "Avanti"), `{"type":"image","image":{"link":"https://example.org/p.jpg"}}`), 0},
		{"buttons under a photo not uploaded", withHeader(buttons(2, "Avanti"), `{"type":"image","image":{"id":"1"}}`), whatsapptest.CodeParamValue},
		{"buttons under a header with no medium", withHeader(buttons(2, "Avanti"), `{"type":"video"}`), whatsapptest.CodeRequiredMiss},
		{"a list under a photo", withHeader(rows(2, "Lezione", ""), `{"type":"image","image":{"link":"https://example.org/p.jpg"}}`), whatsapptest.CodeParamValue},
		{"a list under a text header", withHeader(rows(2, "Lezione", ""), `{"type":"text","text":"Lezioni"}`), 0},
		{"a text header of 61 characters", withHeader(buttons(1, "Avanti"), `{"type":"text","text":"`+strings.Repeat("a", 61)+`"}`), whatsapptest.CodeParamValue},
	}
	s.PairRate(false)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, ge, id := send(t, s, tt.body)
			if ge.Error.Code != tt.code {
				t.Fatalf("status %d, code %d (%s); want code %d", status, ge.Error.Code, ge.Error.ErrorData.Details, tt.code)
			}
			if tt.code == 0 && (status != 200 || !strings.HasPrefix(id, "wamid.")) {
				t.Fatalf("accepted send: status %d id %q", status, id)
			}
			if tt.code != 0 && (status < 400 || ge.Error.FBTraceID == "") {
				t.Fatalf("refused send: status %d, fbtrace_id %q", status, ge.Error.FBTraceID)
			}
		})
	}
}

// withHeader puts header into an interactive message's JSON.
func withHeader(body, header string) string {
	return strings.Replace(body, `"interactive":{`, `"interactive":{"header":`+header+`,`, 1)
}

// A hook receives the webhooks the fake posts and checks their signature.
type hook struct {
	mu     sync.Mutex
	bodies [][]byte
}

func (h *hook) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	want := whatsapptest.Sign(whatsapptest.AppSecret, b)
	if !hmac.Equal([]byte(r.Header.Get("X-Hub-Signature-256")), []byte(want)) {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	h.mu.Lock()
	h.bodies = append(h.bodies, b)
	h.mu.Unlock()
}

func TestWindowPairRateAndStatuses(t *testing.T) {
	s := whatsapptest.New(t)
	h := &hook{}
	srv := httptest.NewServer(h)
	defer srv.Close()
	s.SetWebhook(srv.URL, whatsapptest.AppSecret)
	now := time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	msg := `{"messaging_product":"whatsapp","to":"393331234567","type":"text","text":{"body":"Ciao"}}`

	// Outside the window: accepted, then reported failed with 131047.
	if status, ge, _ := send(t, s, msg); status != 200 {
		t.Fatalf("send outside the window: %d %+v", status, ge)
	}
	if p := s.Pending(); len(p) != 1 || p[0].Status != "failed" || p[0].Code != whatsapptest.CodeWindow {
		t.Fatalf("pending statuses = %+v, want one failed 131047", p)
	}
	in := s.Text("393331234567", "Giulia", "Caffè ☕ / prezzi")
	if code, err := s.Push(context.Background(), in); err != nil || code != 200 {
		t.Fatalf("push: %d %v", code, err)
	}
	if code, _ := s.DeliverForged(context.Background(), whatsapptest.Payload(in)); code != http.StatusUnauthorized {
		t.Fatalf("a forged webhook got %d from the checking hook", code)
	}
	body := h.bodies[0]
	if bytes.ContainsAny(body, "è☕") || !bytes.Contains(body, []byte(`Caff\u00e8 \u2615 \/ prezzi`)) {
		t.Fatalf("body not escaped as Meta does: %s", body)
	}
	// Within it, the pair rate allows a burst (the first message took one
	// of it), then one message per 6 s.
	var last int
	for i := range whatsapptest.PairBurst {
		_, ge, _ := send(t, s, msg)
		last = ge.Error.Code
		if i < whatsapptest.PairBurst-1 && last != 0 {
			t.Fatalf("message %d refused: %d", i, last)
		}
	}
	if last != whatsapptest.CodePairRate {
		t.Fatalf("message beyond the burst: code %d, want 131056", last)
	}
	now = now.Add(whatsapptest.PairInterval)
	if _, ge, _ := send(t, s, msg); ge.Error.Code != 0 {
		t.Fatalf("after 6 s: %d", ge.Error.Code)
	}
	if err := s.FlushStatuses(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(s.Pending()) != 0 || len(h.bodies) != 2 {
		t.Fatalf("statuses not pushed: %d pending, %d webhooks", len(s.Pending()), len(h.bodies))
	}

	// Injected errors: synchronous ones answer an error, later ones a
	// wamid and a failed status.
	now = now.Add(time.Minute)
	s.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodeThroughput})
	s.Fail(1, whatsapptest.Fault{Code: whatsapptest.CodeMarketingCap})
	if _, ge, _ := send(t, s, msg); ge.Error.Code != whatsapptest.CodeThroughput {
		t.Fatalf("injected 130429: got %d", ge.Error.Code)
	}
	if _, ge, id := send(t, s, msg); ge.Error.Code != 0 || id == "" {
		t.Fatalf("injected 131049: got %d", ge.Error.Code)
	}
	if p := s.Pending(); len(p) != 1 || p[0].Code != whatsapptest.CodeMarketingCap {
		t.Fatalf("pending = %+v", p)
	}
}
