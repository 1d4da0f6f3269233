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
// names. They are written without accents, as Telegram's command names
// are ("/lecons", "/loeschen").
var commandAliases = map[string]string{
	// Italian
	"aiuto": "help", "domanda": "ask", "continua": "continue", "lezioni": "lessons",
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
// one ("/progres", "/setings"), or "" when none is near: within one edit, or
// two for names of eight letters or more. Erasing everything is never
// suggested ("/cancel" is no typo of "/cancella"), and no admin command is
// near enough to any name for a learner to tell it from an unknown one.
func (b *Bot) closestCommand(name string) string {
	names := append(slices.Collect(maps.Keys(b.commands)), otherCommands...)
	names = append(names, slices.Collect(maps.Keys(commandAliases))...)
	slices.Sort(names)
	best, bestD := "", 2
	if utf8.RuneCountInString(name) >= 8 {
		bestD = 3
	}
	for _, n := range names {
		if n == "delete" || commandAliases[n] == "delete" {
			continue
		}
		if d := editDistance(name, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance is the edit distance between a and b, in runes: the
// insertions, deletions, substitutions and swaps of two neighbours
// ("reveiw") that make one the other.
func editDistance(a, b string) int {
	ra, rb := []rune(strings.ToLower(a)), []rune(strings.ToLower(b))
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
