package assistant

import "strings"

// The lessons teach how to communicate; they give no legal opinions. A
// question about going to law (suing a customer, pressing charges,
// appealing to a court, hiring a lawyer) is declined, however many words
// it shares with the lessons ("posso fare causa a chi mi ha lasciato una
// recensione falsa?" shares "recensione" with the reviews lesson). Reporting
// a review or a post to the platform is not going to law: "segnalare",
// "report", "melden" are no marks.

// legalMarks are folded word sequences of a question about going to law;
// a final "*" matches any ending of the last word.
var legalMarks = []string{
	// Italian
	"fare causa", "fargli causa", "farle causa", "farli causa", "fare una causa", "fargli una causa", "causa legale",
	"querel*", "denunciarl*", "denunciare", "sporgere denuncia", "ricorso al tar", "fare ricorso al", "avvocat*", "tribunale",
	// English
	// ("sue" alone is also Italian: "le sue foto")
	"sue them", "sue him", "sue her", "sue you", "sue me", "sue the", "sue my", "sue for", "to sue", "i sue", "we sue", "can sue",
	"suing", "sued", "lawsuit*", "legal action", "legal options", "lawyer*", "attorney*", "to court", "press charges",
	// Spanish
	"demandar*", "denunciar a", "denunciarl*", "abogad*", "llevar a juicio", "llevarlo a juicio", "llevarla a juicio",
	// French
	"porter plainte", "poursuivre en justice", "attaquer en justice", "avocat*", "proces contre", "faire un proces", "intenter un proces",
	"l attaquer", "les attaquer", "le poursuivre", "la poursuivre", "les poursuivre",
	// German
	"verklagen", "anwalt*", "strafanzeige*", "vor gericht",
	// Polish
	"pozwac", "pozew", "prawnik*", "do sadu",
}

// legalAction reports whether q asks about going to law.
func legalAction(q string) bool { return hasMark(q, legalMarks) }

// hasMark reports whether the folded words of q contain one of marks,
// word sequences where a final "*" matches any ending of the last word.
func hasMark(q string, marks []string) bool {
	f := " " + strings.Join(words(q), " ") + " "
	for _, m := range marks {
		if p, ok := strings.CutSuffix(m, "*"); ok {
			if strings.Contains(f, " "+p) {
				return true
			}
			continue
		}
		if strings.Contains(f, " "+m+" ") {
			return true
		}
	}
	return false
}

// The lessons give no tax or pension advice either: how much tax a shop
// pays, what it may deduct, its contributions and pension are for an
// accountant. taxMarks are folded word sequences of such a question; a
// question about selling or invoices that the lessons answer ("devo
// mettere la partita iva quando vendo su whatsapp?", "per quanto tempo
// tengo le fatture?") has none, nor one about telling citizens of a tax.
var taxMarks = []string{
	// Italian ("pensione" alone is also a guesthouse, and a colleague who
	// retires leaves a page behind; "forfettario" changes how a shop
	// sells abroad, which a lesson tells)
	"commercialist*", "inps", "previdenz*", "pensione integrativa",
	"dichiarazione dei redditi", "f24", "irpef",
	"detrarre", "detrarl*", "detrazion*", "dedurre", "dedurl*", "deducibil*", "detraibil*", "dalle tasse",
	"quante tasse", "pago di tasse", "pagare le tasse", "pagare meno tasse", "pagarci le tasse", "tasse devo",
	// English
	"accountant*", "tax return*", "income tax", "pay tax", "pay taxes", "pay less tax", "how much tax",
	"tax deductible", "deduct*", "write it off", "write off", "pension", "pensions", "national insurance", "vat return*",
	// Spanish
	"impuestos", "declaracion de la renta", "hacienda", "asesor fiscal", "jubilacion", "cotizacion*",
	"cuota de autonomo*", "desgrav*", "deducir",
	// French
	"impots", "impot sur", "declaration de revenus", "comptable*", "caisse de retraite", "cotisations sociales", "urssaf", "deductible*", "deduire",
	// German
	"steuerberat*", "steuererklarung*", "steuern zahlen", "steuern sparen", "wie viel steuern", "absetzen", "rentenversicherung",
	"sozialabgaben", "finanzamt",
	// Polish
	"ile podatku", "zaplacic podatek", "placic podatki", "zus", "ksiegow*", "skladk*", "odliczy*", "urzad skarbowy",
}

// taxAdvice reports whether q asks for tax, contribution or pension advice.
func taxAdvice(q string) bool { return hasMark(q, taxMarks) }
