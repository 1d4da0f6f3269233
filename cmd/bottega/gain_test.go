package main

import (
	"strings"
	"testing"
)

// TestInviteAndCertificateCommands: invitation codes are created and
// listed, bad input is refused with exit 2 and a line saying why, and
// stats shows the learning gain.
func TestInviteAndCertificateCommands(t *testing.T) {
	env := onTestServer(t, nil)
	steps := []commandLine{
		{[]string{"invite", "create"}, 2, "needs -course"},
		{[]string{"invite", "create", "-course", "Corso serale", "-code", "c/x"}, 2, "-code must be"},
		{[]string{"invite", "create", "-course", strings.Repeat("x", 121)}, 2, "at most 120"},
		{[]string{"invite", "list"}, 0, "No invitation codes yet"},
		{[]string{"invite", "create", "-course", "Corso serale Confartigianato Mestre", "-code", "serale-mestre"}, 0, "start=c_serale-mestre"},
		{[]string{"invite", "create", "-course", "Altro", "-code", "SERALE-mestre"}, 2, "is taken"},
		{[]string{"invite", "create", "-course", "Ufficio stampa, Comune di Dolo"}, 0, "Invitation code for"},
		{[]string{"invite", "list"}, 0, "serale-mestre  Corso serale Confartigianato Mestre  0"},
		{[]string{"invite", "forget"}, 2, "unknown invite sub-command"},
		{[]string{"certificate", "revoke"}, 2, "takes the certificate's code"},
		{[]string{"certificate", "revoke", "nosuchcode"}, 2, "no certificate has the code NOSUCHCODE"},
		{[]string{"certificate", "list"}, 0, "No certificates issued yet"},
		// A learner starts with the code (the chat below).
		{nil, 0, ""},
		{[]string{"invite", "list"}, 0, "serale-mestre  Corso serale Confartigianato Mestre  1"},
		{[]string{"stats"}, 0, "Learning gain"},
	}
	for _, s := range steps {
		if s.args == nil {
			out, stderr, err := chatWith(t, env, "/start c_SERALE-mestre\n")
			if err != nil || !strings.Contains(out, "Corso serale Confartigianato Mestre") {
				t.Fatalf("chat: %v\n%s\n%s", err, out, stderr)
			}
			continue
		}
		runCommand(t, env, "", s)
	}
}
