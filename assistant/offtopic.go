package assistant

// The lessons teach digital communication to shops, artisans, guides and
// town halls. Some questions are about another field altogether, however
// many ordinary words they share with the lessons ("la ricetta del
// panettone per la vetrina" shares the shop window): cooking, weather
// forecasts, taxes and pay, the post office, health, family, history and
// trivia, sport, money matters, homework, rent and permits. Such a question is
// declined without an LLM; with one, the model judges. The marks are
// word sequences that the built-in lessons never use (a test checks), so
// that a question in the lessons' words is never declined by them.

// offTopicMarks are folded word sequences of a question about another
// field; a final "*" matches any ending of the last word.
var offTopicMarks = []string{
	// Cooking
	"ricetta", "ricette", "ingredienti", "cucinare", "recipe*", "ingredients", "how to cook",
	"receta*", "cocinar", "recette*", "cuisiner", "rezept*", "kochen", "przepis*", "ugotowac",
	// Weather forecasts (alerts are a lesson: "allerta meteo" is no mark)
	"previsioni del tempo", "che tempo fa", "che tempo fara", "weather forecast", "the weather", "will it rain",
	"pronostico del tiempo", "previsiones del tiempo", "previsions meteo", "wettervorhersage", "das wetter", "pogoda", "pogode",
	// Taxes, accounts, pay and pensions
	"dichiarazione dei redditi", "irpef", "tax return", "income tax",
	"declaracion de la renta", "impot sur le revenu", "impots", "steuererklarung", "einkommensteuer", "podatek dochodowy",
	"busta paga", "stipendio", "tredicesima", "salary", "payslip",
	"paid leave", "sick leave", "entitled to", "sueldo", "salaire", "gehalt", "wynagrodzenie",
	// The post office
	"ufficio postale", "post office", "oficina de correos", "bureau de poste", "postamt", "urzad pocztowy",
	// Health
	"sintomi", "febbre", "mal di testa", "symptoms", "headache", "sintomas", "symptomes", "symptome", "objawy",
	// Family and feelings
	"mia moglie", "mio marito", "fidanzat*", "my wife", "my husband", "girlfriend", "boyfriend", "divorz*", "divorc*",
	"lonely", "mi esposa", "mi marido", "ma femme", "mon mari", "meine frau", "mein mann", "moja zona", "moj maz",
	// History and trivia, told or written
	"raccontami la storia", "chi era", "in che anno",
	"tell me the history", "the history of", "who was", "what year",
	// Sport, money matters, horoscopes, homework
	"partita di calcio", "football match", "oroscopo", "horoscope", "mutuo", "mortgage", "bitcoin", "criptovalut*",
	"crypto*", "compiti per casa", "homework",
	// Rent and permits
	"l affitto", "padrone di casa", "landlord", "the rent",
	"casero", "alquiler", "loyer", "vermieter", "miete", "czynsz",
	"permesso di soggiorno", "work permit",
}

// offTopic reports whether q is about a field the lessons do not teach.
func offTopic(q string) bool { return hasMark(q, offTopicMarks) }
