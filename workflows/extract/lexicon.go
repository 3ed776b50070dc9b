package extract

// The lexicon: every word list the rules consult. Keys are lower case.
// Keeping them here, rather than inline in the rules, makes it easy to see
// (and review) exactly which vocabulary decides what counts as a claim.

// unitWords are the number words below one hundred.
var unitWords = map[string]float64{
	"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
	"seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
	"thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
	"seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
	"thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
	"eighty": 80, "ninety": 90,
}

// scaleWords multiply the number before them ("1.5 million", "two dozen",
// "3 lakh"). Lakh (10^5) and crore (10^7) are how South Asian news writes
// large counts, singular or plural ("2 lakhs"). A trillion is 10^12, so
// "2 trillion" is above MaxFigure and refused, never read as 2 of a unit
// "trillion".
var scaleWords = map[string]float64{
	"dozen": 12, "hundred": 100, "thousand": 1e3, "million": 1e6,
	"billion": 1e9, "trillion": 1e12, "mn": 1e6, "bn": 1e9,
	"lakh": 1e5, "lakhs": 1e5, "crore": 1e7, "crores": 1e7,
}

// vagueWords are quantities with no checkable value. They are never claims,
// and a figure that merely follows one ("hundreds, perhaps 300") is judged
// on its own.
var vagueWords = map[string]bool{
	"dozens": true, "hundreds": true, "thousands": true, "millions": true,
	"scores": true, "several": true, "many": true, "numerous": true,
	"tens": true, "few": true,
}

// qualifierPhrases are the hedges that may precede a figure, longest first so
// that "slightly more than" wins over "more than".
var qualifierPhrases = []struct {
	words []string
	q     Qualifier
}{
	{[]string{"no", "fewer", "than"}, AtLeast},
	{[]string{"no", "less", "than"}, AtLeast},
	{[]string{"not", "less", "than"}, AtLeast},
	{[]string{"not", "fewer", "than"}, AtLeast},
	{[]string{"slightly", "more", "than"}, MoreThan},
	{[]string{"just", "over"}, MoreThan},
	{[]string{"in", "excess", "of"}, MoreThan},
	{[]string{"no", "more", "than"}, UpTo},
	{[]string{"as", "many", "as"}, UpTo},
	{[]string{"as", "much", "as"}, UpTo},
	{[]string{"just", "under"}, UpTo},
	{[]string{"an", "average", "of"}, About},
	{[]string{"a", "total", "of"}, Exact},
	{[]string{"an", "estimated"}, About},
	{[]string{"close", "to"}, About},
	{[]string{"at", "least"}, AtLeast},
	{[]string{"more", "than"}, MoreThan},
	{[]string{"greater", "than"}, MoreThan},
	{[]string{"upwards", "of"}, MoreThan},
	{[]string{"over"}, MoreThan},
	{[]string{"exceeding"}, MoreThan},
	{[]string{"up", "to"}, UpTo},
	{[]string{"at", "most"}, UpTo},
	{[]string{"fewer", "than"}, UpTo},
	{[]string{"less", "than"}, UpTo},
	{[]string{"around"}, About},
	{[]string{"about"}, About},
	{[]string{"some"}, About},
	{[]string{"nearly"}, About},
	{[]string{"almost"}, About},
	{[]string{"roughly"}, About},
	{[]string{"approximately"}, About},
	{[]string{"approx"}, About},
	{[]string{"circa"}, About},
	{[]string{"estimated"}, About},
	{[]string{"exactly"}, Exact},
	{[]string{"precisely"}, Exact},
}

// monthWords mark dates: a number next to one is a day or a year.
var monthWords = map[string]bool{
	"january": true, "february": true, "march": true, "april": true, "may": true,
	"june": true, "july": true, "august": true, "september": true,
	"october": true, "november": true, "december": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
}

var weekdayWords = map[string]bool{
	"monday": true, "tuesday": true, "wednesday": true, "thursday": true,
	"friday": true, "saturday": true, "sunday": true,
}

// clockWords after a number make it a time of day.
var clockWords = map[string]bool{
	"am": true, "pm": true, "a.m.": true, "p.m.": true, "gmt": true, "utc": true,
	"o'clock": true, "hrs": true, "local": true,
}

// category says what a counted noun is, which decides whether the figure
// needs a casualty word nearby to become a claim.
type category uint8

const (
	catNone      category = iota
	catPeople             // civilians, children: a claim only with a casualty word
	catForce              // troops, fighters: a force's size, or casualties with a casualty word
	catCasualty           // deaths, bodies: a claim on its own
	catStrike             // airstrikes, raids: a claim on its own
	catStructure          // homes, buildings: a claim with destroyed/damaged
	catUnit               // days, percent, dollars: never a claim
	catOpen               // a plural noun the vocabulary does not know: a claim with an event
)

type noun struct {
	cat    category
	who    string // plural, normalised form reported as Figure.Who
	metric string // for catCasualty and catStrike
}

// nouns are the counted nouns. Singular forms are here so "one civilian" works.
var nouns = counted()

func addNouns(nouns map[string]noun, cat category, metric string, pairs ...string) {
	for i := 0; i < len(pairs); i += 2 {
		n := noun{cat: cat, who: pairs[i+1], metric: metric}
		nouns[pairs[i]] = n
		nouns[pairs[i+1]] = n
	}
}

// counted builds the table of counted nouns, singular and plural.
func counted() map[string]noun {
	nouns := map[string]noun{}
	addNouns(nouns, catPeople, "",
		"civilian", "civilians", "person", "people", "child", "children",
		"kid", "kids", "woman", "women", "man", "men", "resident", "residents",
		"inhabitant", "inhabitants", "villager", "villagers", "member", "members",
		"relative", "relatives", "refugee", "refugees", "migrant", "migrants",
		"student", "students", "journalist", "journalists", "patient", "patients",
		"worshipper", "worshippers", "protester", "protesters",
		"demonstrator", "demonstrators", "pilgrim", "pilgrims", "worker", "workers",
		"doctor", "doctors", "nurse", "nurses", "infant", "infants", "baby", "babies",
		"girl", "girls", "boy", "boys", "adult", "adults", "victim", "victims",
		"individual", "individuals", "passenger", "passengers", "minor", "minors",
		"prisoner", "prisoners", "detainee", "detainees", "hostage", "hostages",
		"family", "families", "household", "households", "teenager", "teenagers",
		"staff", "staff", "volunteer", "volunteers", "official", "officials",
		"medic", "medics", "paramedic", "paramedics", "firefighter", "firefighters",
		"rescuer", "rescuers", "employee", "employees", "teacher", "teachers",
		"farmer", "farmers", "fisherman", "fishermen", "miner", "miners",
		"tourist", "tourists", "settler", "settlers", "pedestrian", "pedestrians",
		"spectator", "spectators", "worshiper", "worshipers", "crew", "crew",
	)
	nouns["persons"] = noun{cat: catPeople, who: "people"}
	nouns["others"] = noun{cat: catPeople, who: "others"}
	nouns["elderly"] = noun{cat: catPeople, who: "elderly"}
	addNouns(nouns, catForce, "",
		"soldier", "soldiers", "troop", "troops", "fighter", "fighters",
		"militant", "militants", "rebel", "rebels", "insurgent", "insurgents",
		"jihadist", "jihadists", "gunman", "gunmen", "policeman", "policemen",
		"serviceman", "servicemen", "marine", "marines", "militiaman", "militiamen",
		"combatant", "combatants", "recruit", "recruits", "mercenary", "mercenaries",
		"personnel", "personnel", "police", "police", "guard", "guards",
		"officer", "officers", "peacekeeper", "peacekeepers", "commando", "commandos",
	)
	addNouns(nouns, catCasualty, "killed", "death", "deaths", "fatality", "fatalities",
		"dead", "dead", "killed", "killed", "killings", "killings")
	addNouns(nouns, catCasualty, "injured", "injured", "injured", "wounded", "wounded",
		"injury", "injuries")
	addNouns(nouns, catCasualty, "casualties", "casualty", "casualties")
	addNouns(nouns, catCasualty, "bodies", "body", "bodies", "corpse", "corpses")
	addNouns(nouns, catCasualty, "displaced", "displaced", "displaced")
	addNouns(nouns, catCasualty, "missing", "missing", "missing")
	addNouns(nouns, catStrike, "airstrikes", "airstrike", "airstrikes", "strike", "strikes",
		"air-strike", "air-strikes", "raid", "raids", "airraid", "airraids",
		"sortie", "sorties", "bombing", "bombings")
	addNouns(nouns, catStrike, "attacks", "attack", "attacks")
	addNouns(nouns, catStrike, "rockets", "rocket", "rockets", "missile", "missiles",
		"shell", "shells", "mortar", "mortars", "drone", "drones")
	addNouns(nouns, catStrike, "targets", "target", "targets")
	addNouns(nouns, catStructure, "", "home", "homes", "house", "houses",
		"building", "buildings", "dwelling", "dwellings", "apartment", "apartments",
		"school", "schools", "hospital", "hospitals", "mosque", "mosques",
		"church", "churches", "shelter", "shelters", "bridge", "bridges")
	// Casualty nouns count people; report them as people, not as "deaths".
	for k, n := range nouns {
		if n.cat == catCasualty {
			n.who = ""
			nouns[k] = n
		}
	}
	for _, u := range []string{
		"second", "seconds", "minute", "minutes", "hour", "hours", "day", "days",
		"week", "weeks", "month", "months", "year", "years", "decade", "decades",
		"century", "centuries", "percent", "per", "%", "dollars", "euros",
		"pounds", "km", "kilometres", "kilometers", "miles", "metres", "meters",
		"times", "fold", "point", "points", "degrees", "kg", "tonnes", "tons",
		"division", "divisions", "round", "rounds", "page", "pages",
		"inches", "feet", "acres", "hectares", "litres", "liters", "gallons",
		"barrels", "votes", "seats", "euro", "yuan", "rupees", "francs",
		"magnitude", "aftershocks", "cents", "pence", "steps", "storeys", "stories",
		"floors", "lanes", "laps", "goals", "runs", "wickets", "games", "matches",
		"episodes", "chapters", "lines", "words", "characters", "images",
		"photos", "videos", "kilograms", "grams", "pounds", "ounces", "tons",
		"nights", "weekends", "mornings", "evenings", "hectare", "mile", "kilometre",
	} {
		nouns[u] = noun{cat: catUnit}
	}
	return nouns
}

// countNouns are counts on their own, with their metric: "five new cases".
var countNouns = map[string]string{
	"cases": "cases", "case": "cases", "infections": "cases", "infection": "cases",
	"arrests": "arrested", "arrest": "arrested", "evacuations": "evacuated",
	"admissions": "admitted", "hospitalisations": "admitted", "hospitalizations": "admitted",
	"suicides": "killed", "homicides": "killed", "murders": "killed",
	"drownings": "killed", "rapes": "assaulted", "assaults": "assaulted",
	"arrivals": "arrived", "departures": "departed", "deportations": "deported",
	"crossings": "arrived", "landings": "arrived",
	"evictions": "evicted", "abductions": "abducted", "kidnappings": "abducted",
	"executions": "killed", "disappearances": "missing", "recoveries": "recovered",
	"outbreaks": "outbreaks", "fires": "fires", "explosions": "explosions",
	"protests": "protests", "demonstrations": "protests", "incidents": "incidents",
	"crashes": "crashes", "collisions": "crashes", "complaints": "complaints",
}

// eventMetrics group the verbs that say the same thing happened: joining a
// march and taking part in it are both "took_part".
var eventMetrics = map[string]string{
	"joined": "took_part", "took part": "took_part", "marched": "took_part",
	"attended": "took_part", "rallied": "took_part", "demonstrated": "took_part",
	"protested": "took_part", "gathered": "took_part", "participated": "took_part",
	"turned":   "took_part",
	"isolated": "isolated", "quarantined": "isolated",
	"infected": "cases", "diagnosed": "cases", "contracted": "cases",
	"closed": "closed", "shut": "closed", "canceled": "closed", "cancelled": "closed",
	"suspended": "closed",
	"recovered": "bodies", "retrieved": "bodies", "exhumed": "bodies",
	"deployed": "deployed", "dispatched": "deployed", "sent": "deployed",
	"collapsed": "destroyed", "flattened": "destroyed", "razed": "destroyed",
	"levelled": "destroyed", "leveled": "destroyed", "demolished": "destroyed",
	"hospitalised": "admitted", "hospitalized": "admitted", "admitted": "admitted",
	"treated": "injured", "sickened": "cases",
	"registered": "registered", "sheltered": "sheltered", "housed": "sheltered",
	"crossed": "arrived", "arrived": "arrived", "entered": "arrived",
	"reached": "arrived", "landed": "arrived", "drowned": "killed",
}

// attackVerbs describe an attack, not its toll: "bombed two compounds" says
// where the strike fell, not how many were destroyed.
var attackVerbs = map[string]bool{
	"hit": true, "struck": true, "bombed": true, "shelled": true, "attacked": true,
	"targeted": true, "raided": true, "stormed": true, "fired": true, "launched": true,
	"used": true, "owned": true, "named": true, "called": true, "numbered": true,
}

// irregularPast are past forms that do not end in -ed.
var irregularPast = map[string]bool{
	"fled": true, "left": true, "lost": true, "fell": true, "held": true,
	"went": true, "came": true, "shut": true, "sent": true, "hurt": true,
	"slain": true, "drowned": true, "froze": true, "broke": true, "stole": true,
	"caught": true, "sought": true, "won": true, "bore": true, "ran": true,
}

// notParticiples end in -ed without being past forms.
var notParticiples = map[string]bool{
	"hundred": true, "speed": true, "breed": true, "bleed": true, "feed": true,
	"greed": true, "indeed": true, "need": true, "seed": true, "shed": true,
	"steed": true, "weed": true, "naked": true, "sacred": true, "wicked": true,
	"kindred": true, "rugged": true, "ragged": true, "wretched": true,
	"alleged": true, "armed": true, "unarmed": true, "aged": true, "based": true,
	"led": true, "red": true, "united": true, "limited": true, "related": true,
	"detailed": true, "estimated": true, "reported": true, "said": true,
	"expected": true, "believed": true, "confirmed": true, "feared": true,
	"thought": true, "presumed": true, "suspected": true, "listed": true,
	"registered": false,
}

// notPlurals end in -s without being plural nouns.
var notPlurals = map[string]bool{
	"always": true, "perhaps": true, "sometimes": true, "towards": true,
	"afterwards": true, "besides": true, "nevertheless": true, "thus": true,
	"plus": true, "unless": true, "whereas": true, "its": true, "his": true,
	"hers": true, "ours": true, "yours": true, "theirs": true, "was": true,
	"has": true, "does": true, "goes": true, "this": true, "news": true,
	"series": true, "species": true, "means": true, "headquarters": true,
	"overseas": true, "whereabouts": true, "nowadays": true, "upwards": true,
	"downwards": true, "forwards": true, "backwards": true, "regardless": true,
	"remains": true, "lives": true, "includes": true, "seems": true,
	"becomes": true, "comes": true, "makes": true, "takes": true, "gives": true,
	"needs": true, "wants": true, "continues": true, "remains.": true,
	"others": false, "years": true, "hours": true, "days": true, "weeks": true,
	"months": true, "times": true, "miles": true, "percent": true,
}

// collectiveNouns before "of" say what a bare number counts: "a crowd of
// 98,600", "a death toll of 40".
var collectiveNouns = map[string]string{
	"crowd": "took_part", "crowds": "took_part", "turnout": "took_part",
	"toll": "killed", "tally": "killed",
}

// weakCues mean a death toll only beside their object ("buried 13 members
// of his family", "lost 12 relatives"); further away they are other words
// ("dogs trained to track buried humans").
var weakCues = map[string]bool{"buried": true, "lost": true, "lives": true, "remains": true}

// forceNouns follow an "N-strong" figure: "a 1,000-strong force".
var forceNouns = map[string]bool{
	"force": true, "forces": true, "army": true, "contingent": true,
	"unit": true, "brigade": true, "battalion": true, "garrison": true,
	"militia": true, "group": true, "column": true, "convoy": true,
	"detachment": true, "division": true, "regiment": true,
}

// cueWords turn a count of people into a claim and name its metric.
var cueWords = map[string]string{
	"killed": "killed", "kill": "killed", "kills": "killed", "killing": "killed",
	"dead": "killed", "died": "killed", "die": "killed", "dying": "killed",
	"death": "killed", "deaths": "killed", "fatalities": "killed",
	"slain": "killed", "slaughtered": "killed", "massacred": "killed",
	"executed": "killed", "murdered": "killed", "perished": "killed",
	"buried": "killed", "lost": "killed", "lives": "killed",
	"injured": "injured", "injuring": "injured", "wounded": "injured",
	"wounding": "injured", "hurt": "injured", "injuries": "injured",
	"maimed":  "injured",
	"trapped": "trapped", "besieged": "trapped", "stranded": "trapped",
	"displaced": "displaced", "fled": "displaced", "uprooted": "displaced",
	"homeless": "displaced", "evacuated": "evacuated",
	"missing": "missing", "disappeared": "missing", "unaccounted": "missing",
	"arrested": "arrested", "detained": "arrested", "captured": "arrested",
	"abducted": "abducted", "kidnapped": "abducted",
	"rescued": "rescued", "casualties": "casualties",
	"bodies": "bodies", "corpses": "bodies", "remains": "bodies",
}

// destroyWords make a count of structures a claim.
var destroyWords = map[string]string{
	"destroyed": "destroyed", "demolished": "destroyed", "razed": "destroyed",
	"flattened": "destroyed", "levelled": "destroyed", "leveled": "destroyed",
	"collapsed": "destroyed", "damaged": "damaged", "hit": "hit",
	"struck": "hit", "bombed": "hit", "shelled": "hit", "attacked": "hit",
}

// rateWords after a figure make it a rate: "27 killed daily".
var rateWords = map[string]string{
	"daily": "_per_day", "day": "_per_day", "weekly": "_per_week",
	"week": "_per_week", "monthly": "_per_month", "month": "_per_month",
	"yearly": "_per_year", "year": "_per_year", "annually": "_per_year",
}

// speechVerbs attribute a statement to the noun phrase beside them.
var speechVerbs = map[string]bool{
	"said": true, "says": true, "say": true, "told": true, "tells": true,
	"reported": true, "announced": true, "announces": true, "noted": true,
	"stated": true, "added": true, "adds": true, "confirmed": true,
	"confirms": true, "estimated": true, "claimed": true, "asserted": true,
	"wrote": true, "writes": true, "tweeted": true, "revealed": true,
	"explained": true, "insisted": true, "warned": true, "acknowledged": true,
	"asked": true, "underlined": true, "stressed": true, "emphasised": true,
	"emphasized": true, "documented": true, "recorded": true, "declared": true,
	"disclosed": true, "alleged": true, "counted": true, "tallied": true,
	"reports": true, "estimates": true, "claims": true, "notes": true,
	"states": true, "counts": true, "records": true, "estimate": true,
	"put": true, "puts": true, // "officials put the toll at 40"
}

// passiveHelpers may stand between a count and its casualty verb without
// starting another clause: "43 civilians were believed to have been killed".
var passiveHelpers = map[string]bool{
	"believed": true, "reported": true, "feared": true, "thought": true,
	"confirmed": true, "estimated": true, "presumed": true, "said": true,
	"understood": true, "alleged": true, "reportedly": true, "injured": true,
	"listed": true, "registered": true, "recorded": true, "counted": true,
	// "120 workers remained unaccounted for", "remain trapped": the state
	// after the verb is what is counted.
	"remained": true, "remain": true,
}

// nounLikeVerbs are speech verbs that are as often nouns ("UN estimates made
// public", "reports of 151 deaths"); they attribute only when followed by
// "that" or by a figure.
var nounLikeVerbs = map[string]bool{
	"reports": true, "estimates": true, "claims": true, "notes": true,
	"states": true, "counts": true, "records": true, "estimate": true,
	"say": true,
}

// reportNouns end the source inside "according to": "according to UN
// estimates" names the UN, not its estimates.
var reportNouns = map[string]bool{
	"estimates": true, "estimate": true, "figures": true, "figure": true,
	"data": true, "statistics": true, "tally": true, "count": true,
	"report": true, "reports": true, "assessment": true, "records": true,
	"numbers": true, "toll": true, "calculations": true, "sources": false,
	"findings": true, "monitoring": true, "information": true,
	"statement": true, "documentation": true, "research": true,
}

// pronouns refer back to the last named source.
var pronouns = map[string]bool{
	"he": true, "she": true, "it": true, "they": true, "we": true, "i": true,
}

// openers start an adverbial phrase before a subject ("On Wednesday, ...",
// "While the numbers are hard to verify, ..."); such a phrase is never the
// source.
var openers = map[string]bool{
	"on": true, "in": true, "at": true, "during": true, "while": true,
	"although": true, "though": true, "however": true, "yet": true, "but": true,
	"meanwhile": true, "after": true, "before": true, "since": true,
	"between": true, "despite": true, "for": true, "from": true, "over": true,
	"under": true, "with": true, "without": true, "when": true, "if": true,
	"as": true, "because": true, "earlier": true, "later": true,
	"separately": true, "also": true, "and": true, "speaking": true,
	"standing": true, "according": true, "last": true, "this": true,
	"by": true, "among": true, "across": true, "until": true, "amid": true,
	"following": true, "then": true, "still": true, "now": true, "so": true,
}

// subjectAdverbs sit between a subject and its verb ("X also said").
var subjectAdverbs = map[string]bool{
	"also": true, "has": true, "have": true, "had": true, "later": true,
	"previously": true, "earlier": true, "then": true, "reportedly": true,
	"further": true, "separately": true, "again": true,
	"already": true, "publicly": true, "recently": true, "since": true,
	"last": true, "yesterday": true, "today": true,
	"first": true, "initially": true, "originally": true, "now": true,
	"would": true, "will": true, "could": true, "did": true, "not": true,
}

// clauseWords end a subject when walking left from its verb.
var clauseWords = map[string]bool{
	"that": true, "which": true, "who": true, "whom": true, "where": true,
	"because": true, "when": true, "while": true, "whether": true, "if": true,
	"but": true, "so": true, "than": true,
}

// finiteVerbs inside a candidate subject show it is a clause, not a name.
var finiteVerbs = map[string]bool{
	"is": true, "are": true, "was": true, "were": true, "be": true,
	"been": true, "being": true, "has": true, "have": true, "had": true,
	"will": true, "would": true, "can": true, "could": true, "may": true,
	"might": true, "should": true, "must": true, "do": true, "does": true,
	"did": true,
}

// determiners are trimmed from the front of a source.
var determiners = map[string]bool{"the": true, "a": true, "an": true}

// placePrepositions introduce a place: "in western Mosul".
var placePrepositions = map[string]bool{
	"in": true, "across": true, "near": true, "around": true, "inside": true,
	"outside": true, "throughout": true, "into": true, "within": true,
}

// directionWords may precede a place name: "in northern Syria".
var directionWords = map[string]bool{
	"north": true, "south": true, "east": true, "west": true, "central": true,
	"northern": true, "southern": true, "eastern": true, "western": true,
	"northeastern": true, "northwestern": true, "southeastern": true,
	"southwestern": true, "north-eastern": true, "north-western": true,
	"south-eastern": true, "south-western": true, "northeast": true,
	"northwest": true, "southeast": true, "southwest": true, "greater": true,
	"downtown": true, "rural": true, "old": true,
}

// relativeTimeWords complete "last", "this" and "past" into a period.
var relativeTimeWords = map[string]bool{
	"week": true, "month": true, "year": true, "weekend": true, "night": true,
	"fortnight": true, "spring": true, "summer": true, "autumn": true,
	"fall": true, "winter": true, "days": true, "weeks": true, "months": true,
	"years": true, "hours": true,
}

// abbreviations do not end a sentence even when followed by a capital.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "brig": true,
	"col": true, "lt": true, "capt": true, "sgt": true, "maj": true, "rep": true,
	"sen": true, "gov": true, "pres": true, "st": true, "prof": true, "rev": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"no": true, "nos": true, "vs": true, "jr": true, "sr": true, "adm": true,
	"cpl": true, "pvt": true, "supt": true, "insp": true, "fig": true,
	"approx": true, "est": true, "mt": true, "ft": true,
}

// titles keep their full stop when tokenized: "Dr. Smith" is one name.
var titles = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "gen": true, "brig": true,
	"col": true, "lt": true, "capt": true, "sgt": true, "maj": true, "rep": true,
	"sen": true, "gov": true, "pres": true, "prof": true, "rev": true,
	"adm": true, "cpl": true, "pvt": true, "supt": true, "insp": true,
	"st": true, "jr": true, "sr": true,
}

// furniturePrefixes open page furniture that is not part of the article:
// links to other stories ("Read more: …") and media labels.
var furniturePrefixes = map[string]bool{
	"read": true, "related": true, "watch": true, "listen": true,
	"see": true, "more": true, "also": true, "recommended": true,
	"advertisement": true, "sponsored": true, "trending": true,
}
