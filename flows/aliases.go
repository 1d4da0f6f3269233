package flows

import (
	"maps"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// commandAliases are the commands' names in the learners' languages, as
// learners type them ("/lezioni", "/ajustes"): each runs the command it
// names. Accents are left out, as people type commands.
var commandAliases = map[string]string{
	// Italian
	"menù": "menu", "aiuto": "help", "domanda": "ask", "continua": "continue", "lezioni": "lessons",
	"ripasso": "review", "ripassa": "review", "progressi": "progress", "impostazioni": "settings",
	"lingua": "lang", "esporta": "export", "cancella": "delete", "esercitazione": "drill",
	"esercitazioni": "drill", "promemoria": "reminders",
	// Spanish
	"ayuda": "help", "pregunta": "ask", "continuar": "continue", "lecciones": "lessons", "repaso": "review",
	"progreso": "progress", "ajustes": "settings", "idioma": "lang", "exportar": "export", "borrar": "delete",
	"simulacro": "drill", "recordatorios": "reminders",
	// French
	"aide": "help", "continuer": "continue", "lecons": "lessons", "revision": "review", "progres": "progress",
	"reglages": "settings", "parametres": "settings", "langue": "lang", "exporter": "export", "supprimer": "delete",
	"exercice": "drill", "rappels": "reminders",
	// German
	"hilfe": "help", "frage": "ask", "weiter": "continue", "lektionen": "lessons", "wiederholen": "review",
	"fortschritt": "progress", "einstellungen": "settings", "sprache": "lang", "exportieren": "export",
	"loeschen": "delete", "uebung": "drill", "erinnerungen": "reminders",
	// Polish
	"pomoc": "help", "pytanie": "ask", "dalej": "continue", "lekcje": "lessons", "powtorka": "review",
	"postepy": "progress", "ustawienia": "settings", "jezyk": "lang", "eksport": "export", "usun": "delete",
	"cwiczenie": "drill", "przypomnienia": "reminders",
}

// otherCommands are the commands handled outside Bot.commands.
var otherCommands = []string{"start", "reminders", "chiaro", "clear"}

// unalias rewrites a command typed by an alias ("/lezioni", "/promemoria
// 9:00") as the command it stands for, so that whatever handles the command
// (an extension included) reads its own name. Text without an alias is
// returned as it is.
func unalias(text string) string {
	cmd, ok := commandAliases[commandName(text)]
	if !ok {
		return text
	}
	s := strings.TrimSpace(text)
	rest := ""
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		rest = s[i:]
	}
	return "/" + cmd + rest
}

// closestCommand returns the command or alias nearest to name, a typo of
// one ("/progres", "/setings"), or "" when none is near: within one edit for
// short names, two for longer ones.
func (b *Bot) closestCommand(name string) string {
	names := append(slices.Collect(maps.Keys(b.commands)), otherCommands...)
	names = append(names, slices.Collect(maps.Keys(commandAliases))...)
	slices.Sort(names)
	best, bestD := "", 3
	if utf8.RuneCountInString(name) <= 5 {
		bestD = 2
	}
	for _, n := range names {
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
