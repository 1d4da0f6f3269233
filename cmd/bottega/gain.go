package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/bottega-app/bottega"
	"github.com/bottega-app/bottega/store"
)

// runInvite is "bottega invite create|list": invitation codes, whose
// learners make a cohort in the statistics.
func runInvite(ctx context.Context, e env, args []string) error {
	const help = `Usage: bottega invite create -course NAME [-code CODE]
       bottega invite list

create  makes an invitation code for a course (an evening class, one
        municipality's office). Learners who start the bot with it, through
        t.me/<bot>?start=c_<code> or by sending /start c_<code>, belong to
        its cohort: 'bottega stats' shows the learning gain by code. Without
        -code, a code of 8 letters and digits is drawn.
list    prints the codes with their course and how many learners joined.
`
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, help)
		if len(args) == 0 {
			return usagef("invite needs a sub-command: create or list")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	fs := newFlags(e, "invite "+sub, "See 'bottega invite --help'.")
	var course, code = new(string), new(string)
	switch sub {
	case "create":
		course = fs.String("course", "", "the course's name")
		code = fs.String("code", "", "the code to use instead of a drawn one: 1 to 62 of A-Z a-z 0-9 _ -")
	case "list":
	default:
		return usagef("unknown invite sub-command %q: use create or list", sub)
	}
	if err := parseFlagsArgs(fs, rest); err != nil {
		return err
	}
	c := strings.Join(strings.Fields(*course), " ")
	if sub == "create" {
		switch {
		case c == "":
			return usagef("invite create needs -course, the course's name")
		case utf8.RuneCountInString(c) > bottega.MaxCourse:
			return usagef("-course may be at most %d characters", bottega.MaxCourse)
		case *code != "" && !bottega.ValidInviteCode(*code):
			return usagef("-code must be 1 to %d characters of A-Z, a-z, 0-9, _ and - (a Telegram start link holds 64 with the c_ before it)", bottega.MaxInviteCode)
		}
	}
	_, _, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	if sub == "list" {
		list, err := db.Invites(ctx)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(e.stdout, "No invitation codes yet: create one with 'bottega invite create -course NAME'.")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "code\tcourse\tlearners\tcreated")
		for _, inv := range list {
			fmt.Fprintf(tw, "%s\t%s\t%d\t%s\n", inv.Code, inv.Course, inv.Learners, inv.CreatedAt.Format(time.DateOnly))
		}
		return tw.Flush()
	}
	for try := 0; ; try++ {
		k := *code
		if k == "" {
			drawn, err := bottega.NewCode(nil, 8)
			if err != nil {
				return err
			}
			k = strings.ToLower(drawn)
		}
		inv, err := db.CreateInvite(ctx, bottega.Invite{Code: k, Course: c, CreatedAt: time.Now()})
		if errors.Is(err, store.ErrExists) {
			if *code != "" {
				return usagef("the code %q is taken (codes are told apart without the case of letters): choose another", *code)
			}
			if try < 3 {
				continue
			}
		}
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "Invitation code for %q: %s\nLearners join with t.me/<your bot>?start=c_%s or by sending /start c_%s.\n", inv.Course, inv.Code, inv.Code, inv.Code)
		return nil
	}
}

// runCertificate is "bottega certificate list|revoke".
func runCertificate(ctx context.Context, e env, args []string) error {
	const help = `Usage: bottega certificate list [-n N]
       bottega certificate revoke CODE

list    prints the latest certificates issued: code, name, track, date, and
        whether they were revoked.
revoke  revokes a certificate: its page at /verify/<code> then says that it
        was revoked, and it cannot be issued again to the same learner.
`
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(e.stdout, help)
		if len(args) == 0 {
			return usagef("certificate needs a sub-command: list or revoke")
		}
		return nil
	}
	sub, rest := args[0], args[1:]
	fs := newFlags(e, "certificate "+sub, "See 'bottega certificate --help'.")
	n := new(int)
	switch sub {
	case "list":
		n = fs.Int("n", 50, "how many to list")
	case "revoke":
	default:
		return usagef("unknown certificate sub-command %q: use list or revoke", sub)
	}
	if err := parseFlagsArgs(fs, rest); err != nil {
		return err
	}
	var code string
	switch {
	case sub == "revoke" && fs.NArg() != 1:
		return usagef("certificate revoke takes the certificate's code, like: bottega certificate revoke K7M2Q9ABCD")
	case sub == "revoke":
		code = bottega.NormalizeCode(fs.Arg(0))
	case fs.NArg() > 0:
		return usagef("unexpected argument %q (see 'bottega certificate --help')", fs.Arg(0))
	case *n < 1:
		return usagef("-n must be at least 1")
	}
	_, _, db, closeDB, err := toolDatabase(ctx, e)
	if err != nil {
		return err
	}
	defer closeDB()
	if sub == "list" {
		list, err := db.Certificates(ctx, 0, *n)
		if err != nil {
			return err
		}
		if len(list) == 0 {
			fmt.Fprintln(e.stdout, "No certificates issued yet.")
			return nil
		}
		tw := tabwriter.NewWriter(e.stdout, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "code\tname\ttrack\tissued\trevoked")
		for _, c := range list {
			revoked := ""
			if c.RevokedAt != nil {
				revoked = c.RevokedAt.Format(time.DateOnly)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Code, c.Name, c.TrackTitle, c.IssuedAt.Format(time.DateOnly), revoked)
		}
		return tw.Flush()
	}
	c, found, err := db.FindCertificate(ctx, code)
	if err != nil {
		return err
	}
	if !found {
		return usagef("no certificate has the code %s", code)
	}
	ok, err := db.RevokeCertificate(ctx, code, time.Now())
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(e.stdout, "Certificate %s (%s, %s) was already revoked.\n", c.Code, c.Name, c.TrackTitle)
		return nil
	}
	fmt.Fprintf(e.stdout, "Certificate %s (%s, %s) revoked: /verify/%s now says so.\n", c.Code, c.Name, c.TrackTitle, c.Code)
	return nil
}
