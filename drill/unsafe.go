package drill

import (
	"regexp"
	"strings"
	"unicode"
)

// What a public text must not say, by language: a private person's health, and figures
// about people that no official source gave. A word starts and ends at a character that
// is not a letter or digit: \b knows only ASCII letters ("żona", "épouse", "Ärztin"), so
// it is used only next to ASCII ("ill\b", a figure's first digit). Words are stems where
// a language inflects them.
const (
	wordStart = `(?:^|[^\p{L}\p{N}])` // before a word
	wordEnd   = `(?:$|[^\p{L}\p{N}])` // after a whole word
)

// healthRe finds a private person's health named in a public text: someone (a child, a
// relative, a named person) next to a condition.
var healthRe = map[string]*regexp.Regexp{
	"it": health(
		`figli[oa]|bambin[oa]|marito|moglie|madre|padre|nonn[oa]|vicin[oa]|signora?|sig\.(?:r?a)?`,
		`febbre|vomit|diarrea|mal di pancia|ricoverat[oa]|intossicat[oa]|malat[oa]|positiv[oa]|incinta|disabil|dialisi|tumore|diabet|pronto soccorso`),
	"en": health(
		`son|daughter|child|kid|husband|wife|mother|father|grand\p{L}+|neighbou?r|mr|mrs|ms`,
		`fever|vomit|diarrh|tummy ache|stomach ache|hospitali[sz]ed|poisoned|ill\b|illness|sick|positive|pregnant|disab|dialysis|cancer|diabet`),
	"es": health(
		`hij[oa]s?|niñ[oa]s?|marido|espos[oa]|madre|padre|abuel[oa]|vecin[oa]|señor|señora|sra?\.`,
		`fiebre|v[óo]mit|diarrea|dolor de (?:barriga|tripa|est[óo]mago)|hospitalizad|ingresad|intoxicad|enferm[oa]|positiv[oa]|embarazada|discapacidad|discapacitad|di[áa]lisis|c[áa]ncer|tumor|diab[ée]t|urgencias`),
	"fr": health(
		`fils|fille|enfant|mari|épouse|mère|père|grand-mère|grand-père|voisin|voisine|monsieur|madame|mme`,
		`fi[èe]vre|vomi|diarrh[ée]e|mal au ventre|hospitalis[ée]|intoxiqu[ée]|malade|positi[fv]|enceinte|handicap|dialyse|cancer|tumeur|diab[èe]t|aux urgences`),
	"de": health(
		`Sohn|Tochter|Kind|Ehemann|Ehefrau|Mutter|Vater|Oma|Opa|Großmutter|Großvater|Nachbar|Nachbarin|Herr|Frau`,
		`Fieber|erbrochen|Erbrechen|Durchfall|Bauchschmerzen|Krankenhaus|Klinik|eingeliefert|vergiftet|krank|positiv|schwanger|behindert|Behinderung|Dialyse|Krebs|Tumor|Diabet|Notaufnahme`),
	"pl": health(
		`syn|syna|synowi|córka|córki|córkę|córce|dziecko|dziecka|dzieci|mąż|męża|mężowi|żona|żony|żonę|żonie|matka|matki|mama|mamy|ojciec|ojca|tata|taty|babcia|babci|dziadek|dziadka|sąsiad|sąsiada|sąsiadka|sąsiadki|pan|pana|panu|pani`,
		`gorączk|wymiot|biegunk|ból brzucha|w szpitalu|do szpitala|hospitalizowan|zatru|chor[yaeo]|pozytywn|w ciąży|niepełnospraw|dializ|nowotw|cukrzyc|na SOR`),
}

// figureRe finds figures about people (victims, cases, evacuees) that need an official
// source before they are published. Its first group is the figure.
var figureRe = map[string]*regexp.Regexp{
	"it": figure(
		`dieci|venti|trenta|quaranta|cinquanta|cento|duecento|mille`,
		`persone|famiglie|bambini|intossicat\p{L}*|ricoverat\p{L}*|mort[ie]|vittime|ferit[ie]|dispers[ie]|evacuat[ie]|sfollat[ie]|casi|contagiat\p{L}*`),
	"en": figure(
		`ten|twenty|thirty|forty|fifty|a hundred|hundreds of`,
		`people|families|children|kids|poisoned|hospitali[sz]ed|dead|deaths|victims|injured|missing|evacuated|evacuees|cases|infected`),
	"es": figure(
		`diez|veinte|treinta|cuarenta|cincuenta|cien|doscientas|doscientos|mil`,
		`personas|familias|niñ[oa]s|intoxicad\p{L}*|hospitalizad\p{L}*|ingresad\p{L}*|muert[oa]s|fallecid\p{L}*|v[íi]ctimas|herid[oa]s|desaparecid\p{L}*|evacuad\p{L}*|desalojad\p{L}*|casos|contagiad\p{L}*`),
	"fr": figure(
		`dix|vingt|trente|quarante|cinquante|cent|deux cents|mille`,
		`personnes|familles|enfants|intoxiqu\p{L}*|hospitalis\p{L}*|morts|d[ée]c[èe]s|victimes|bless[ée]s|disparus|[ée]vacu[ée]\p{L}*|sinistr[ée]s|cas|contamin[ée]\p{L}*`),
	"de": figure(
		`zehn|zwanzig|dreißig|vierzig|fünfzig|hundert|zweihundert|tausend`,
		`Personen|Menschen|Familien|Kinder|Vergiftete|Tote|Todesopfer|Opfer|Verletzte|Vermisste|Evakuierte|Fälle|Infizierte`),
	"pl": figure(
		`dziesięć|dwadzieścia|trzydzieści|czterdzieści|pięćdziesiąt|sto|dwieście|tysiąc`,
		`osób|osoby|rodzin|rodziny|dzieci|zatrut\p{L}*|hospitalizowan\p{L}*|zabit\p{L}*|zmarł\p{L}*|ofiar|ofiary|rannych|ranni|zaginion\p{L}*|ewakuowan\p{L}*|przypadków|przypadki|zakażon\p{L}*`),
}

// health is someone, as a whole word, and within 60 characters a condition, as a stem
// that starts a word. The character that ends the first word may start the second.
func health(people, conditions string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)` + wordStart + `(?:` + people + `)[^\p{L}\p{N}](?:.{0,59}?[^\p{L}\p{N}])?(?:` + conditions + `)`)
}

// figure is a number, in digits or words, before people, as a whole word. The number
// may also start at \b (every number word starts with an ASCII letter): the character
// before it may have ended the figure before.
func figure(numbers, people string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)(?:\b|` + wordStart + `)(\d+|` + numbers + `)\s+(?:` + people + `)` + wordEnd)
}

// trimmed drops what a match took around its words: the character before its
// first word and the one after its last.
func trimmed(m string) string {
	return strings.TrimFunc(m, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsNumber(r) })
}
