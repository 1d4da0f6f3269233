package assistant

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// fold returns s lower-case, without accents: the form of the words that
// retrieval compares.
func fold(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// words splits s into folded words of letters and digits. The Italian
// elision "dell'attività" gives "dell" and "attivita".
func words(s string) []string {
	return strings.FieldsFunc(fold(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// shorthand expands what learners type for the platforms' names.
var shorthand = map[string][]string{
	"fb":    {"facebook"},
	"ig":    {"instagram"},
	"insta": {"instagram"},
	"wa":    {"whatsapp"},
	"whats": {"whatsapp"},
	"yt":    {"youtube"},
	"gmb":   {"google", "business"},
	"2fa":   {"two", "factor", "autenticazione"},
	"adv":   {"pubblicita", "advertising"},
	"dm":    {"direct", "messaggi"},
}

// filler lists the words of a question that say nothing of its topic
// ("how can I", "I would like", greetings) and that the text search
// configurations do not drop as stop words. Left in, they would count as
// information the lessons lack.
var filler = map[string]bool{
	// Italian
	"faccio": true, "fare": true, "fa": true, "posso": true, "possiamo": true, "puoi": true, "devo": true,
	"dobbiamo": true, "vorrei": true, "vorremmo": true, "voglio": true, "vogliamo": true, "serve": true,
	"servono": true, "conviene": true, "bisogna": true, "meglio": true, "cosa": true, "come": true,
	"quando": true, "dove": true, "perche": true, "quale": true, "quali": true, "quanto": true,
	"quanta": true, "quanti": true, "quante": true, "qualcosa": true, "ciao": true, "grazie": true,
	"buongiorno": true, "buonasera": true, "salve": true, "scusa": true, "aiuto": true, "aiutami": true,
	"dimmi": true, "sapere": true, "capire": true, "modo": true, "tipo": true, "ok": true,
	// Italian chat shorthand: per, non, come, quando, perché, comunque
	"x": true, "nn": true, "cm": true, "qnd": true, "xke": true, "xk": true, "xche": true, "cmq": true, "ke": true,
	// and the misspellings of "come" and "cosa" typed most
	"cme": true, "coem": true, "cmoe": true, "cs": true,
	// English
	"how": true, "what": true, "which": true, "when": true, "where": true, "why": true, "should": true,
	"can": true, "could": true, "would": true, "need": true, "want": true, "please": true, "hello": true,
	"hi": true, "thanks": true, "thank": true, "help": true, "way": true, "know": true, "tell": true,
}

// places are names of Italian places that learners give to say where they
// work ("a tiny gift shop in Lucca", "guida a Napoli"): they tell nothing
// of what is asked, and the lessons name few (in examples), so left in
// they would count as information the lessons lack, or match an example's
// town. Regions, provincial capitals and the
// places tourists know, in the languages the learners write, with the
// Polish cases learners use ("w Rzymie"). Names that are also words
// ("Marche", "Como", "Fermo", "Prato", "Potenza", "Latina", "Massa",
// "Lodi") are left out.
var places = setOf(strings.Fields(`
	piemonte lombardia lombardy lombardei lombardie veneto venetien friuli liguria ligurien ligurie
	emilia romagna toscana tuscany toskana toscane toskania toskanii umbria umbrien ombrie lazio latium
	abruzzo abruzzen molise campania kampanien campanie puglia apulia apulien pouilles basilicata calabria
	kalabrien calabre sicilia sicily sizilien sicile sycylia sycylii sardegna sardinia sardinien sardaigne
	cerdena sardynia sardynii trentino adige sudtirol aosta valdostana dolomiti dolomites dolomiten dolomity
	garda gardasee cinqueterre amalfi positano capri ischia pompei pompeii sorrento taormina
	roma rome rom rzym rzymie rzymu milano milan mailand mediolan mediolanie mediolanu torino turin turyn
	turynie genova genoa genua napoli naples neapel napoles neapol neapolu venezia venice
	venedig venise venecia wenecja wenecji firenze florence florenz florencia florencja florencji bologna
	bolonia bolonii bologne palermo catania messina siracusa syracuse bari lecce taranto brindisi foggia
	matera cosenza catanzaro reggio cagliari sassari olbia alghero nuoro oristano trieste udine gorizia
	pordenone trento bolzano bozen verona vicenza padova padua padoue treviso rovigo belluno bergamo
	brescia cremona mantova mantua pavia monza varese lecco sondrio novara vercelli biella cuneo asti
	alessandria savona imperia sanremo parma piacenza modena ferrara ravenna rimini forli cesena pesaro
	urbino ancona macerata ascoli perugia assisi terni orvieto spoleto viterbo rieti frosinone arezzo
	siena pisa pistoia lucca livorno grosseto carrara volterra teramo pescara chieti campobasso isernia
	caserta benevento avellino salerno barletta trani andria agrigento trapani ragusa caltanissetta
	cefalu trastevere vaticano vatican vatikan colosseo colosseum kolosseum colisee
`)...)

// queryWords returns the words that retrieval searches for a question in
// locale: those of its terms, without repeats, at most max of them.
func queryWords(q, locale string, max int) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range terms(q, locale) {
		for _, w := range t {
			if !seen[w] && len(out) < max {
				seen[w] = true
				out = append(out, w)
			}
		}
	}
	return out
}

// terms splits a question in locale into what it is about, each term with
// the words searched for it: a word (folded, shorthand expanded) or, in a
// language of the glossary, a topic the glossary names, searched with the
// lessons' words for it. Fillers and stop words are dropped unless nothing
// else is left.
func terms(q, locale string) [][]string {
	type term struct {
		words  []string
		filler bool
	}
	all := words(q)
	g := glossaries[locale]
	var ts []term
	content := false
	for i := 0; i < len(all); {
		w := all[i]
		var to []string
		n := 0
		if g != nil {
			to, n = g.match(all[i:])
		}
		switch {
		case n > 1 || n == 1 && !g.stop[w]:
			ts = append(ts, term{words: to})
			content = true
			i += n
			continue
		case len(w) > 40:
			// not a word anyone types
		default:
			t := term{words: append([]string{w}, shorthand[w]...), filler: filler[w] || places[w] || g != nil && g.stop[w]}
			content = content || !t.filler
			ts = append(ts, t)
		}
		i++
	}
	out := make([][]string, 0, len(ts))
	for _, t := range ts {
		if !content || !t.filler {
			out = append(out, t.words)
		}
	}
	return out
}

// questionStems are the stems of the words of a question, read in lang,
// that tell what it is about: four letters or more, no filler, no
// function word.
func questionStems(question, lang string) map[string]bool {
	q := map[string]bool{}
	for _, w := range queryWords(question, lang, maxQueryWords) {
		if len([]rune(w)) >= 4 && !filler[w] && !functionWords[w] {
			q[stem(w)] = true
		}
	}
	return q
}
