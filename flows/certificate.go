package flows

import (
	"encoding/json"
	"errors"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
)

// certState is a certificate being asked for: the track, and the name
// typed, waiting for confirmation.
type certState struct {
	Track string `json:"track"`
	Name  string `json:"name,omitempty"`
}

// Certificate arguments in button data.
const (
	certConfirm = "ok"
	certChange  = "edit"
)

// certificate asks for, or sends again, a track's certificate:
// z|<track> asks for the name (or sends an issued certificate again),
// z|<track>|ok issues it with the name confirmed, z|<track>|edit asks the
// name again.
func (t *turn) certificate(args []string) ([]bot.Reply, error) {
	tr := t.cur.Track(args[0])
	if tr == nil {
		t.note("lesson_gone", nil)
		t.goTo(scrTracks)
		return t.show()
	}
	sts, err := t.trackStatuses()
	if err != nil {
		return nil, err
	}
	s := sts[tr.ID]
	if !s.canCertify() {
		t.press = false
		t.note("cert_not_ready", map[string]any{"Pass": bottega.PassPercent})
		t.st.Track, t.st.Page = tr.ID, 0
		t.goTo(scrTrack)
		return t.show()
	}
	issued, err := t.s.Certificates(t.ctx, t.l.ID, 100)
	if err != nil {
		return nil, err
	}
	for _, c := range issued {
		if c.TrackID != tr.ID {
			continue
		}
		if c.RevokedAt != nil {
			t.press = false
			t.note("cert_revoked", nil)
			t.goTo(scrMenu)
			return t.show()
		}
		t.st.Cert = nil
		return t.sendCertificate(c), nil
	}
	if len(args) == 1 || args[1] == certChange {
		t.st.Cert = &certState{Track: tr.ID}
		t.goTo(scrCertName)
		return t.show()
	}
	if args[1] != certConfirm || t.st.Cert == nil || t.st.Cert.Track != tr.ID || t.st.Cert.Name == "" {
		return t.expired()
	}
	c := bottega.Certificate{
		LearnerID: t.l.ID, TrackID: tr.ID, TrackTitle: t.pick(tr.Title), Name: t.st.Cert.Name,
		Locale: t.l.Locale, IssuedAt: t.now,
	}
	for _, ls := range tr.Lessons {
		c.Lessons = append(c.Lessons, t.pick(ls.Title))
		c.Minutes += ls.Minutes
	}
	if err := t.issue(&c); err != nil {
		return nil, err
	}
	t.st.Cert = nil
	return t.sendCertificate(c), nil
}

// issue stores the certificate under a new code; a code drawn twice (about
// one chance in 10^15) is drawn again.
func (t *turn) issue(c *bottega.Certificate) error {
	for range 3 {
		code, err := bottega.NewCode(t.b.rand, 10)
		if err != nil {
			return err
		}
		c.Code = code
		if ok, err := t.s.CreateCertificate(t.ctx, *c); err != nil || ok {
			return err
		}
	}
	return errors.New("issue certificate: no free code")
}

// sendCertificate says where the certificate can be checked; the PDF
// follows, rendered after the update is committed.
func (t *turn) sendCertificate(c bottega.Certificate) []bot.Reply {
	data, _ := json.Marshal(bottega.CertificateTaskData{Code: c.Code}) // #nosec G104 -- a struct of one string always encodes
	t.goTo(scrMenu)
	return []bot.Reply{
		{
			Text: t.T("cert_issued", map[string]any{"Track": c.TrackTitle, "URL": t.b.verifyURL(c.Code), "Code": c.Code}),
			Edit: t.press,
		},
		{Task: &bot.Task{Kind: bottega.CertificateTask, Data: data}},
		{Text: t.T("cert_after", nil), Buttons: [][]bot.Button{{t.btn("btn_progress", actProgress), t.btn("btn_menu", actMenu)}}},
	}
}

// certName takes the name typed for the certificate.
func (t *turn) certName(s string) ([]bot.Reply, error) {
	name, ok := bottega.CleanName(s)
	if !ok {
		t.note("cert_name_invalid", map[string]any{"Max": bottega.MaxCertificateName})
		return t.show()
	}
	t.st.Cert.Name = name
	t.goTo(scrCertConfirm)
	return t.show()
}

func (t *turn) showCertName() (bot.Reply, error) {
	if t.st.Cert == nil {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	return bot.Reply{Text: t.T("cert_ask_name", nil), Buttons: t.menuRow()}, nil
}

func (t *turn) showCertConfirm() (bot.Reply, error) {
	c := t.st.Cert
	if c == nil || c.Name == "" {
		t.goTo(scrMenu)
		return t.showMenu()
	}
	return bot.Reply{Text: t.T("cert_confirm", map[string]any{"Name": c.Name}), Buttons: [][]bot.Button{
		{t.btn("btn_cert_yes", actCertificate, c.Track, certConfirm)},
		{t.btn("btn_cert_change", actCertificate, c.Track, certChange)},
		{t.btn("btn_menu", actMenu)},
	}}, nil
}

// verifyURL is the public address that verifies a certificate.
func (b *Bot) verifyURL(code string) string {
	return bottega.VerifyURL(b.publicURL, code)
}
