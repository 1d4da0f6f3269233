package assistant

// The lessons teach how to reply to an unfair review and how a town hall
// answers an insult; Bottega writes no post, review or message that calls
// someone a thief or a liar, or insults them. Such a request ("fammi un
// post che dice che il falegname di fronte è un truffatore") is declined,
// however many words it shares with the lessons (post, recensione,
// pagina del comune). Asking how to answer such words is a question for
// the lessons: a request that replies is no mark.

// A request to defame has a word of each of writeMarks and accuseMarks,
// and none of replyMarks; all are folded word sequences, a final "*"
// matching any ending of the last word.
var (
	// writeMarks ask the assistant to write: the imperative, not "is it
	// a crime to write fake reviews?".
	writeMarks = []string{
		"scrivi", "scrivimi", "scrivici", "fammi", "preparami", "creami", "prepara un", "prepara una", "crea un", "crea una",
		"write", "make a post", "draft",
		"escribe", "escribeme", "hazme", "redacta",
		"ecris", "ecrivez", "redige", "fais moi",
		"schreib", "schreibe", "verfasse",
		"napisz",
	}
	// accuseMarks call someone a thief, a cheat or a liar, insult or
	// mock them, or fake a review.
	accuseMarks = []string{
		"truffator*", "ladr*", "ruba", "rubano", "imbroglion*", "bugiard*", "insultal*", "insultarl*", "insultant*",
		"che prende in giro", "prendi in giro", "ridicolizz*",
		"recensione falsa", "recensioni false", "recensione finta", "recensioni finte",
		"liar*", "thief", "thieves", "steals", "scammer*", "crook*", "insulting", "insult him", "insult her", "insult them",
		"make fun of", "fake review*",
		"ladron*", "estafador*", "mentiros*", "resena falsa", "resenas falsas",
		"voleur*", "escroc*", "menteur*", "faux avis",
		"dieb*", "betruger*", "lugner*", "beleidigend*", "fake bewertung*", "gefalschte bewertung*",
		"złodziej*", "oszust*", "kłamca", "obrazliw*", "fałszyw* opini*",
	}
	// replyMarks answer someone or warn of someone: "scrivimi una
	// risposta a chi mi dà del ladro" is the reviews lesson's, "scrivi un
	// avviso sui truffatori che si fingono del comune" the town hall's.
	replyMarks = []string{
		"rispond*", "rispost*", "replic*", "avvis*", "attenzion*", "allert*",
		"reply", "replies", "respond*", "answer*", "warn*", "alert*",
		"respuesta*", "aviso", "avisa*", "advert*",
		"repond*", "reponse*", "avert*",
		"antwort*", "warnung*", "warne*", "hinweis*",
		"odpowiedz*", "odpisa*", "ostrzez*", "ostrzeg*", "uwag*",
	}
)

// defames reports whether q asks the assistant to write something that
// accuses or insults someone.
func defames(q string) bool {
	return hasMark(q, writeMarks) && hasMark(q, accuseMarks) && !hasMark(q, replyMarks)
}
