package assistant

// The lessons teach digital communication to shops, artisans, guides and
// town halls. Some questions are about another field altogether, however
// many ordinary words they share with the lessons ("la ricetta del
// panettone per la vetrina" shares the shop window): what else people ask
// a chat assistant. Cooking and diets, weather forecasts, taxes, pay and
// pensions, work as an employee and job hunting, the post office, one's
// own papers (passport, driving licence, residence), health and pets,
// family and love, religion and whom to vote for, sport, lotteries and
// betting, savings and investments, the home (rent, buying, repairs) and
// the car, one's own travel, history and trivia, schoolwork. Such a
// question is declined without an LLM; with one, the model judges. The
// marks are word sequences that the built-in lessons never use (a test
// checks), so that a question in the lessons' words is never declined by
// them; where a field touches a lesson (a town's page receives appeals
// against fines, a shop posts its holiday closing), the marks are only
// the words of the personal question.

// offTopicMarks are folded word sequences of a question about another
// field; a final "*" matches any ending of the last word. Folding keeps
// the letters that are no accented form of another ("ł", "ß").
var offTopicMarks = []string{
	// Cooking and diets
	"ricetta", "ricette", "ingredienti", "cucinare", "recipe*", "ingredients", "how to cook", "how do i cook",
	"receta*", "cocinar", "recette du", "recette des", "une recette", "recettes", "cuisiner", "rezept*", "kochen", "przepis na", "ugotowac",
	"dieta", "diet", "calori*", "dimagrire", "perdere peso", "lose weight", "adelgazar", "perder peso", "maigrir",
	"perdre du poids", "will abnehmen", "kilo abnehmen", "schudnac",
	// Weather forecasts (alerts are a lesson: "allerta meteo" is no mark)
	"previsioni del tempo", "che tempo fa", "che tempo fara", "weather forecast", "the weather", "will it rain",
	"pronostico del tiempo", "previsiones del tiempo", "que tiempo hara", "va a llover", "llovera", "previsions meteo", "quel temps fera",
	"quel temps fait", "wettervorhersage", "das wetter", "regnen", "jaka pogoda", "jaka bedzie pogoda", "prognoza pogody", "prognoze pogody", "pogode", "bedzie padac",
	// Taxes, accounts, pay and pensions
	"dichiarazione dei redditi", "irpef", "730", "modello unico", "tax return", "income tax",
	"forfettaria o ordinaria", "forfettario o ordinario", "open a vat number",
	"declaracion de la renta", "hacienda", "impuestos", "impot sur le revenu", "declaration d impot*",
	"steuererklarung", "einkommensteuer", "kirchensteuer", "gewerbesteuer", "grundsteuer", "finanzamt", "podatek dochodowy", "moje podatki", "moich podatkow", "placic podatki", "urzad skarbowy",
	// Keeping the books
	"trial balance", "balance sheet", "bookkeeping", "double entry", "bilancio di verifica", "partita doppia",
	"stato patrimoniale", "libro giornale", "prima nota", "balance de comprobacion", "partida doble", "balance de verification",
	"partie double", "bilan comptable", "doppelte buchfuhrung", "rohbilanz", "ksiegowosc", "bilans probny",
	// Finding an accountant, for oneself ("commercialista" alone is a lesson word)
	"un buon commercialista", "un bravo commercialista", "cambiare commercialista", "a good accountant", "an accountant near",
	"un buen gestor", "un buen asesor fiscal", "un bon comptable", "un bon expert comptable", "dobry ksiegowy", "dobrego ksiegowego",
	"busta paga", "stipendio", "tredicesima", "salary", "payslip", "pay rise",
	"paid leave", "sick leave", "entitled to", "sueldo", "salaire", "gehalt", "wynagrodzenie",
	"inps", "la mia pensione", "my pension", "jubilacion", "ma retraite", "meine rente", "moja emerytur*", "mojej emerytur*",
	// Hiding income from the tax police
	// ("in nero" alone is also a black background)
	"guardia di finanza", "vendere in nero", "vendo in nero", "lavoro in nero", "pagare in nero", "soldi in nero", "incassi in nero",
	"evasione fiscale", "evadere le tasse", "senza scontrino",
	"tax evasion", "evade tax*", "off the books", "under the table", "tax police",
	"dinero en negro", "vender en negro", "evasion fiscal", "travail au noir", "vendre au noir", "fraude fiscale",
	"schwarzgeld", "schwarzarbeit", "steuerhinterziehung", "praca na czarno", "oszustwo podatkowe",
	// Work as an employee: holidays, contracts, dismissal, job hunting
	"mi spetta*", "contratto di lavoro", "licenziat*", "licenziament*", "dimission*", "gli straordinari",
	"maternita", "paternita", "ccnl", "tfr", "naspi",
	"overtime", "maternity leave", "got fired", "quit my job",
	"vacaciones pagadas", "despido", "me despidieron", "conges payes", "licenciement", "urlaubsanspruch", "gekundigt", "kundigung",
	"urlop macierzynski", "zwolnien*",
	"curriculum", "cv", "colloquio di lavoro", "lettera di presentazione", "cercare lavoro", "cerco lavoro",
	"job interview", "cover letter", "find a job", "looking for a job", "my resume",
	"entrevista de trabajo", "buscar trabajo", "busco trabajo", "lettre de motivation", "entretien d embauche",
	"cambiare lavoro", "change jobs", "change careers", "cambiar de trabajo", "changer de travail", "job wechseln", "zmienic prace",
	"chercher un emploi", "lebenslauf", "vorstellungsgesprach", "bewerbungsschreiben", "rozmowa kwalifikacyjna",
	"list motywacyjny", "szukam pracy", "zyciorys",
	// A council's own procedure (its page streams the sitting: "consiglio comunale" is no mark)
	"numero legale", "quorum", "seconda convocazione", "prima convocazione", "kworum",
	"beschlussfahig*", "beschlußfahig*",
	"interrogazione", "interpellanza", "emendament*",
	// An event's logistics (where the toilets are is a post: "bagni" is no mark)
	"quanti bagni", "how many toilets", "how many portable toilets", "cuantos banos", "combien de toilettes", "wie viele toiletten",
	"ile toalet",
	// The post office and the registered letter
	"ufficio post*", "raccomandata", "post office", "registered letter", "oficina de correos", "carta certificada",
	"bureau de poste", "lettre recommandee", "postamt", "einschreiben", "urzad pocztowy", "list polecony",
	// Personal papers: passport, identity, residence, the learner's own benefits
	"passaporto", "passport", "pasaporte", "passeport", "reisepass", "paszport",
	"la mia carta d identita", "my id card", "mi dni", "ma carte d identite", "mein personalausweis", "meinen personalausweis", "moj dowod",
	"rinnovare la carta d identita", "rinnovo della carta d identita", "fototessera", "foto tessera", "renew my id",
	"photo d identite", "passbild", "foto carnet", "zdjecie do dowodu",
	"il mio spid", "fare l isee",
	"permesso di soggiorno", "work permit", "residence permit", "cittadinanza italiana", "citizenship",
	"patente", "driving licence", "driver s license", "carnet de conducir", "permis de conduire", "fuhrerschein", "prawo jazdy",
	// Fines (a town's page receiving appeals is a lesson: "multa" is no mark)
	"speeding ticket", "parking ticket", "appeal a fine", "appeal my fine", "appeal a parking fine", "contest a fine",
	"contestare la multa", "contestare una multa", "autovelox", "contravvenzion*", "strafzettel", "bussgeld*", "bußgeld*", "mandat za",
	// Licences to work (a music licence is a lesson: "licenza" is no mark)
	"abilitazione", "patentino", "licence to work", "license to work", "permesso di lavoro", "requisiti per diventare",
	"requirements to become",
	// Health and pets
	"sintomi", "febbre", "mal di testa", "mal di schiena", "mal di pancia", "tosse", "raffreddore", "dolore", "pillol*",
	"dottore", "dentist*", "incinta", "gravidanza",
	"symptoms", "headache", "fever", "cough", "back pain", "toothache", "pills", "doctor", "pregnant",
	"sintomas", "fiebre", "dolor", "embarazada", "symptomes", "fievre", "mal de tete", "mal a la tete", "medecin", "enceinte",
	"enfermo", "enferma", "medicamento*", "malade", "krank", "chory", "chora", "tabletk*", "lekarstw*",
	"symptome", "fieber", "kopfschmerz*", "arzt", "arztin", "schwanger", "objawy", "goraczk*", "bol głowy", "do lekarza", "w ciazy",
	"il mio cane", "il mio gatto", "veterinari*", "my dog", "my cat", "the vet", "mi perro", "mi gato",
	"mon chien", "mon chat", "mein hund", "meine katze", "tierarzt", "moj pies", "moj kot", "weterynarz*",
	// One's own vaccination and surgery (a town's vaccination day is a post, a rescue an operation)
	"dove mi vaccino", "vaccinarmi", "mi devo vaccinare", "where do i get vaccinated", "should i get vaccinated",
	"donde me vacuno", "vacunarme", "me faire vacciner", "mich impfen lassen",
	"post operatorio", "postoperatorio", "after my surgery", "despues de mi operacion", "apres mon operation",
	"nach meiner operation", "po mojej operacji",
	// Family, love and feelings
	"mia moglie", "mio marito", "fidanzat*", "my wife", "my husband", "girlfriend", "boyfriend", "divorz*", "divorc*",
	"lonely", "mi esposa", "mi marido", "ma femme", "mon mari", "meine frau", "mein mann", "moja zona", "moj maz",
	"mi tradisce", "devo lasciarlo", "devo lasciarla", "dovrei lasciarlo", "dovrei lasciarla", "should i leave my",
	"psicologo", "psicoterapeut*", "sono depress*", "therapist", "i feel depressed", "i m depressed",
	"palpitazioni", "attacchi di panico", "attacco di panico", "panic attack*", "ataques de panico", "ataque de panico",
	"crise d angoisse", "crises d angoisse", "panikattack*", "atak paniki", "ataki paniki",
	"suocera", "my ex", "cheating on me", "break up with", "mother in law",
	"mi novio", "mi novia", "mi suegra", "mon copain", "ma copine", "petit ami", "petite amie", "belle mere",
	"sposarmi", "should i marry", "get married", "casarme", "me marier", "heiraten", "wziac slub",
	"fare un figlio", "have a baby", "tener un bebe", "avoir un bebe", "ein kind bekommen", "miec dziecko",
	"scheidung", "scheiden lassen", "schwiegermutter", "meine freundin", "rozwod*", "tesciowa", "moja dziewczyna", "moj chłopak",
	// Religion and politics
	"pregare", "preghiera", "bibbia", "bible", "biblia", "esiste dio", "dio esiste",
	"god exist*", "does god", "rezar", "beten", "gebet", "modlitw*", "modlic",
	"per chi votare", "chi votare", "who should i vote", "who to vote for", "por quien votar", "pour qui voter",
	"wen soll ich wahlen", "na kogo głosowac", "quale partito vot*", "quale partito devo", "quale partito mi", "che partito vot*", "which party should i",
	"which party to vote", "que partido vot*", "pour quel parti", "quel parti voter", "welche partei soll ich",
	"welche partei wahlen", "na jaka partie", "trump", "putin", "zelensk*",
	// Sport, games of chance, horoscopes
	"partita di calcio", "football match", "champions league", "fantacalcio", "formula 1", "world cup",
	"squadra di calcio", "per che squadra", "tifare", "football team", "soccer team", "team to support",
	"equipo de futbol", "equipe de foot", "fussballverein", "druzyna", "serie a", "premier league",
	"partido de futbol", "match de foot", "fussballspiel", "fußballspiel", "mecz",
	"chi ha vinto il", "chi ha vinto la", "who won the", "quien gano el", "quien gano la", "qui a gagne le", "qui a gagne la",
	"wer hat gewonnen", "kto wygrał", "kto wygral",
	"oroscopo", "horoscope", "horoscopo", "horoskop",
	"superenalotto", "numeri del lotto", "gratta e vinci", "scommesse", "lottery", "betting", "lucky numbers",
	"loteria", "apuestas", "loterie", "pari sportif*", "lotterie", "sportwetten", "lotek",
	// Money: savings, investments, loans
	"mutuo", "mortgage", "hipoteca", "pret immobilier", "hypothek", "kredyt hipoteczny",
	"bitcoin", "ethereum", "criptovalut*", "cripto*", "crypto*", "krypto*",
	"i miei risparmi", "investire in borsa", "stock market", "my savings",
	"savings account", "conto deposito", "conto di risparmio", "buoni fruttiferi", "comprare azioni", "buy shares",
	"cuenta de ahorro", "compte epargne", "livret a", "sparkonto", "tagesgeld", "lokata", "lokate",
	"mis ahorros", "mes economies", "la bourse", "en bourse", "meine ersparnisse", "aktien", "moje oszczednosci", "giełda",
	// Insurance
	"assicurazion*", "insurance", "seguro medico", "seguro del coche", "assurance auto", "assurance habitation",
	"versicherung*", "ubezpieczeni*",
	// Films, series and books to enjoy
	"consigliami un film", "un film da vedere", "una serie tv da vedere", "un libro da leggere", "recommend a movie",
	"recommend a film", "a movie to watch", "a book to read", "una pelicula", "un film a voir",
	"recensione del film", "recensione di un film", "recensione del libro", "recensione di un libro", "romanzo",
	"film review", "movie review", "book review", "resena de la pelicula", "critique du film", "filmkritik",
	"buchkritik", "recenzja filmu", "recenzja ksiazki",
	// Home: rent, buying, repairs; cars
	"l affitto", "padrone di casa", "landlord", "the rent", "my rent", "my apartment", "my flat",
	"casero", "alquiler", "loyer", "vermieter", "czynsz",
	"comprare casa", "vendere casa", "condominio", "inquilin*", "sfratto", "agenzia immobiliare",
	"buy a house", "sell my house", "real estate", "tenant", "eviction",
	"comprar una casa", "comprar un piso", "acheter une maison", "wohnung kaufen", "mietvertrag",
	"kupic mieszkanie", "wynajem mieszkania",
	"caldaia", "lavatrice", "boiler", "washing machine",
	"router", "password del wifi", "wifi password", "recinzione", "staccionata", "fence post", "garden fence",
	"la mia auto", "la mia macchina", "my car", "bollo auto", "cambio gomme", "pneumatici",
	"mi coche", "ma voiture", "mein auto", "moj samochod",
	// Travel booked for oneself
	"un volo per", "voli per", "voli low cost", "biglietto aereo", "book a flight", "cheap flights", "plane ticket",
	"vuelo", "vuelos", "billet d avion", "flug", "fluge", "lot do",
	// Sightseeing for oneself (a guide asks how to show a place, not what to see)
	"cosa vedere a", "cosa c e da vedere", "cosa visitare a", "what to see in", "what is there to see", "things to do in",
	"que ver en", "que visitar en", "que voir a", "quoi voir a", "que faire a", "was kann man in", "sehenswurdigkeiten in",
	"co zobaczyc w", "co warto zobaczyc",
	// History and trivia, told or written (a lesson tells how to tell a story: "storia" alone is no mark)
	"raccontami la storia", "mi racconti la storia", "me la racconti", "scrivimi la storia", "mi scrivi la storia",
	"chi era", "in che anno", "dalle origini", "imperator*", "impero romano", "guerra mondiale",
	"qui etait", "quien fue", "quien era", "wer war", "kim byl", "kim był",
	"en que ano", "en quelle annee", "in welchem jahr", "w ktorym roku",
	"chi ha costruito", "quando e stato costruito", "chi ha dipinto", "quanti abitanti",
	"tell me the history", "the history of", "who was", "what year", "emperor*",
	"world war", "who built", "who painted", "how many people live",
	"capitale", "capital of", "capital de", "capitale de", "hauptstadt", "stolica", "stolicy",
	// Where to eat, for oneself ("ristorante" alone is a lesson word)
	"dove mangiare", "un buon ristorante", "where to eat", "a good restaurant", "donde comer", "ou manger", "gut essen", "essen gehen", "gdzie zjesc",
	// Drawing and painting, learnt for oneself (a lesson shows the work, not how to make it)
	"come si disegna", "imparare a disegnare", "how to draw", "learn to draw", "como dibujar", "aprender a dibujar",
	"comment dessiner", "apprendre a dessiner", "zeichnen lernen", "wie zeichne ich", "jak narysowac", "nauczyc sie rysowac",
	// The learner's own bills and utilities
	"bolletta della luce", "bolletta del gas", "bollette di luce", "fornitore di luce", "fornitore luce e gas",
	"electricity bill", "gas bill", "energy supplier", "factura de la luz", "facture d electricite", "stromrechnung",
	"stromanbieter", "rachunek za prad",
	// Chores for the assistant: translating a text, writing code
	"traducimi", "traduci questo", "traduci il testo", "translate this for me", "translate this text", "translate it for me", "traduceme", "traduce esto",
	"traduis moi", "traduis ce", "ubersetze mir", "ubersetz mir", "ubersetze diesen", "przetłumacz mi", "przetlumacz mi",
	"python", "javascript", "programming language", "linguaggio di programmazione",
	// Chit-chat with the assistant
	"barzellett*", "tell me a joke", "chiste", "raconte moi une blague", "une blague sur", "erzahl mir einen witz", "dowcip*", "che ore sono",
	"what time is it", "que hora es", "quelle heure est il", "wie spat ist es", "ktora godzina",
	"quanti anni hai", "how old are you", "sei un robot", "are you a robot", "are you human",
	// Schoolwork
	"compiti per casa", "homework", "tesina", "tesi di laurea", "my thesis", "esercizio di matematica", "matematica",
	"equazion*", "versione di latino", "math", "equation*", "essay for school", "book report",
	"deberes", "tarea escolar", "devoirs", "hausaufgabe*", "praca domowa", "zadanie domowe", "esame di maturita", "egzamin*", "matury", "maturze",
}

// offTopic reports whether q is about a field the lessons do not teach.
func offTopic(q string) bool { return hasMark(q, offTopicMarks) }
