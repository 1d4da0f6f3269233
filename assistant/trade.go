package assistant

import "strings"

// tradeWords are the words with which learners of each role name their
// own trade and place, and the people they always work for: "as a tour
// guide", "sono un negozio", "la pagina del comune", "i cittadini". In
// such a question they say who asks, which the role already tells the
// search, not what is asked; searched, they pull towards the steps that
// mention guides or shops, away from the one about the bio. Words that
// name the craft itself (artigianale, handmade) are not here: for an
// artisan they are often the subject. The kinds of shop and craft are
// here: a word the lessons never use weighs as the rarest in judging
// whether they cover a question, and "un esempio di bio per una
// panetteria" was not covered. Places to eat are not: "mi consigli una
// pizzeria?" is about the pizzeria.
var tradeWords = map[string]map[string]bool{
	"guide": setOf(
		"guida", "guide", "tour", "turisti", "turista", "visita", "visite", "visitatori",
		"tourist", "tourists", "guided",
		"guia", "turistas",
		"touristes", "visites",
		"fuhrung", "fuhrungen", "stadtfuhrer", "stadtfuhrerin", "reisefuhrer", "touristen",
		"przewodnik", "przewodniczka", "wycieczka", "wycieczki", "turysci", "turystow"),
	"shopkeeper": setOf(
		"negozio", "negozi", "negoziante", "commerciante", "bottega",
		"panetteria", "panificio", "pasticceria", "fioraio", "fioreria", "ferramenta", "libreria", "cartoleria", "alimentari", "gastronomia", "salumeria", "enoteca", "profumeria", "merceria", "erboristeria", "macelleria", "pescheria", "ottica", "tabaccheria", "edicola", "abbigliamento",
		"bakery", "florist", "bookshop", "bookstore", "deli", "butcher", "grocery", "stationer",
		"shop", "shops", "store", "shopkeeper",
		"tienda", "negocio",
		"boutique", "magasin",
		"laden", "geschaft",
		"sklep", "sklepu"),
	"artisan": setOf(
		"laboratorio", "bottega",
		"falegname", "falegnameria", "ceramista", "orafo", "orafa", "sarta", "sarto", "sartoria", "calzolaio", "pellettiere", "liutaio", "vetraio", "fabbro", "restauratore", "restauratrice", "ebanista",
		"workshop", "carpenter", "woodworker", "potter", "ceramicist", "jeweller", "jeweler", "goldsmith", "silversmith", "tailor", "seamstress", "blacksmith", "cobbler", "luthier",
		"taller",
		"atelier",
		"werkstatt",
		"pracownia", "warsztat"),
	"municipal": setOf(
		"comune", "comunale", "cittadini", "ente",
		"town", "council", "municipality", "municipal", "citizens", "residents",
		"ayuntamiento", "municipio", "ciudadanos", "vecinos",
		"mairie", "commune", "citoyens", "habitants",
		"gemeinde", "stadt", "burger", "einwohner",
		"gmina", "gminy", "urzad", "mieszkancy", "mieszkancow"),
}

// tradeQualifiers are the words that say which kind of the trade a
// learner is when they stand next to a word that names it: "a private
// tour guide", "guida abilitata", "licensed guide", "my little bakery".
// They say who asks, as the trade does; searched, "private" found the
// step on private Instagram accounts for a question on a guide's bio,
// and "little" the step on the bio ("little more than a sentence") for
// one on whether a website is needed.
var tradeQualifiers = setOf(
	"private", "privato", "privata", "privati", "privee", "prive", "privada", "privado", "privat", "prywatny", "prywatna",
	"licensed", "abilitata", "abilitato", "autorizzata", "autorizzato", "freelance",
	"little", "small", "tiny", "piccolo", "piccola", "piccolino", "piccolina", "pequeno", "pequena", "petit", "petite",
	"klein", "kleine", "kleiner", "kleinen", "maly", "mały", "mala", "mała", "małe",
)

// withoutTrade returns question without the words that name the trade
// of a learner in role, and those next to them that qualify it, unless
// nothing else is left: the search looks for what is asked, and the role
// favours the lessons meant for it.
func withoutTrade(question, role string) string {
	own := tradeWords[role]
	if own == nil {
		return question
	}
	ws := words(question)
	var rest []string
	for i, w := range ws {
		qualifies := tradeQualifiers[w] && (i > 0 && own[ws[i-1]] || i+1 < len(ws) && own[ws[i+1]])
		if !own[w] && !qualifies {
			rest = append(rest, w)
		}
	}
	if len(rest) == 0 || len(rest) == len(ws) {
		return question
	}
	return strings.Join(rest, " ")
}
