package admin

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/bot"
	"github.com/bottega-app/bottega/store"
)

// errCodeTaken: a drawn invitation code was taken (about never).
var errCodeTaken = errors.New("create invitation code: no free code")

// invite is /invite <course>: a new invitation code for the course;
// learners who start with it belong to its cohort.
func (a *Admin) invite(ctx context.Context, l bottega.Learner, u bot.Update, course string) ([]bot.Reply, error) {
	lang := langOf(l, u)
	course = strings.Join(strings.Fields(course), " ")
	switch {
	case course == "":
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_invite_usage", nil)), nil
	case utf8.RuneCountInString(course) > bottega.MaxCourse:
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_invite_too_long", map[string]any{"Max": bottega.MaxCourse})), nil
	}
	for range 3 {
		code, err := bottega.NewCode(nil, 8)
		if err != nil {
			return nil, err
		}
		inv, err := a.o.Store.CreateInvite(ctx, bottega.Invite{
			Code: strings.ToLower(code), Course: course, Platform: u.Platform, CreatedBy: u.UserID, CreatedAt: a.o.Clock(),
		})
		if err == nil {
			return a.wayOn(lang, a.o.Texts.T(lang, "admin_invite_created", map[string]any{"Course": inv.Course, "Code": inv.Code})), nil
		}
		if !errors.Is(err, store.ErrExists) {
			return nil, err
		}
	}
	return nil, errCodeTaken
}

// invites is /invites: the invitation codes, newest first, with how many
// learners joined with each.
func (a *Admin) invites(ctx context.Context, l bottega.Learner) ([]bot.Reply, error) {
	lang := l.Locale
	list, err := a.o.Store.Invites(ctx)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_invites_none", nil)), nil
	}
	lines := []string{a.o.Texts.T(lang, "admin_invites_head", nil)}
	for i, inv := range list {
		if i == 20 {
			lines = append(lines, a.o.Texts.T(lang, "admin_invites_more", map[string]any{"Count": len(list) - i}))
			break
		}
		lines = append(lines, a.o.Texts.T(lang, "admin_invites_line", map[string]any{"Code": inv.Code, "Course": inv.Course, "Count": inv.Learners}))
	}
	return a.wayOn(lang, strings.Join(lines, "\n")), nil
}

// revoke is /revoke <code>: the certificate is no longer valid, and its
// verification page says so.
func (a *Admin) revoke(ctx context.Context, l bottega.Learner, arg string) ([]bot.Reply, error) {
	lang := l.Locale
	code := bottega.NormalizeCode(arg)
	if code == "" || len(code) > 32 {
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_revoke_usage", nil)), nil
	}
	c, found, err := a.o.Store.FindCertificate(ctx, code)
	if err != nil {
		return nil, err
	}
	if !found {
		return a.wayOn(lang, a.o.Texts.T(lang, "admin_revoke_unknown", map[string]any{"Code": code})), nil
	}
	ok, err := a.o.Store.RevokeCertificate(ctx, code, a.o.Clock())
	if err != nil {
		return nil, err
	}
	id := "admin_revoke_done"
	if !ok {
		id = "admin_revoke_already"
	}
	return a.wayOn(lang, a.o.Texts.T(lang, id, map[string]any{"Code": c.Code, "Name": c.Name, "Track": c.TrackTitle})), nil
}
