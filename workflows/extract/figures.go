package extract

import "strings"

// findFigures returns the figure claims of one sentence, without sources.
func findFigures(text string, toks []token) []candidate {
	var (
		figs          []candidate
		timePhrases   []phrase // found once per sentence, not once per figure
		placePhrases  []phrase
		phrasesListed bool
	)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tkNum && !(t.kind == tkWord && startsAmount(toks, i)) {
			continue
		}
		value, next, kind := parseAmount(toks, i)
		if kind == amountNone || value > MaxFigure {
			continue
		}
		q, from := qualifierBefore(toks, i)
		if kind == amountVague {
			i = next - 1
			continue
		}
		if isRange(toks, i, next) {
			i = skipRange(toks, next)
			continue
		}
		if notACount(toks, i, next, value) {
			continue
		}
		// "a dozen" is a count; "more than a dozen" is a manner of speaking.
		if t.kind == tkWord && (t.low == "a" || t.low == "an") && q != Exact && q != About {
			i = next - 1
			continue
		}
		c := candidate{at: i, from: from, to: next}
		c.Value, c.Qualifier = value, q
		if !classify(text, toks, &c, figs) {
			continue
		}
		if !phrasesListed {
			timePhrases, placePhrases, phrasesListed = periods(toks), places(toks), true
		}
		c.Period = nearestPhrase(text, toks, timePhrases, c.at, c.from, c.to)
		c.Place = nearestPhrase(text, toks, placePhrases, c.at, c.from, c.to)
		figs = append(figs, c)
		i = next - 1
	}
	return figs
}

// isRange reports "30 to 50", "30-50", "two or three", "between 30 and 50".
func isRange(toks []token, i, next int) bool {
	if toks[i].kind == tkNum && toks[i].suffix != "" && allDigits(toks[i].suffix) {
		return true
	}
	if next+1 >= len(toks) {
		return false
	}
	switch toks[next].low {
	case "to", "or", "-", "\u2013", "\u2014":
	case "and":
		if i == 0 || toks[i-1].low != "between" {
			return false
		}
	default:
		return false
	}
	return toks[next+1].kind == tkNum || toks[next+1].kind == tkWord && startsAmount(toks, next+1)
}

// skipRange returns the index of the last token of a range's second number.
func skipRange(toks []token, next int) int {
	if next+1 < len(toks) && (toks[next+1].kind == tkNum || startsAmount(toks, next+1)) {
		_, n, _ := parseAmount(toks, next+1)
		return n - 1
	}
	return next - 1
}

// notACount rejects dates, years, clock times, ages, money and numbers with
// a glued suffix ("12th", "5km").
func notACount(toks []token, i, next int, value float64) bool {
	t := toks[i]
	if t.kind == tkNum {
		if t.glued || t.suffix != "" && t.suffix != "strong" {
			return true // "12th", "12-year-old", "three-day"
		}
	}
	if i > 0 {
		p := toks[i-1]
		switch {
		case p.kind == tkWord && p.cap && monthWords[p.low]:
			return true // "March 17"
		case p.low == "aged" || p.low == "age" || p.low == "ages":
			return true
		case p.low == "$" || p.low == "£" || p.low == "€" || p.low == "¥" || p.low == "us$":
			return true
		case p.low == "no" && p.cap || p.low == "no.":
			return true // "No 10"
		}
	}
	if next < len(toks) {
		n := toks[next]
		switch {
		case n.kind == tkWord && n.cap && monthWords[n.low]:
			return true // "17 March"
		case clockWords[n.low]:
			return true
		case n.low == "years" || n.low == "year":
			if next+1 < len(toks) && toks[next+1].low == "old" {
				return true
			}
		}
	}
	// A bare four-digit number in the range of years is a year unless it is
	// immediately followed by what it counts ("2000 people").
	if t.kind == tkNum && next == i+1 && value >= 1800 && value <= 2100 && value == float64(int(value)) && !t.grouped {
		if next >= len(toks) {
			return true
		}
		n, ok := nouns[toks[next].low]
		if !ok || n.cat == catUnit {
			return true
		}
		if i > 0 {
			switch toks[i-1].low {
			case "in", "since", "by", "until", "from", "of", "before", "after", "during", ",":
				return true
			}
		}
	}
	return false
}

// stopWords end the search for a counted noun after a figure.
var stopWords = map[string]bool{
	"the": true, "of": true, "in": true, "at": true, "on": true, "were": true,
	"was": true, "are": true, "is": true, "have": true, "has": true,
	"had": true, "to": true, "and": true, "or": true, "from": true,
	"for": true, "by": true, "with": true, "that": true, "who": true,
	"which": true, "as": true, "than": true, "more": true, "last": true,
	"this": true, "per": true, "a": true, "an": true, "will": true,
	"would": true, "since": true, "during": true, "between": true,
	"among": true, "into": true, "after": true, "before": true,
	"over": true, "under": true, "out": true, "times": true,
}

// casualtyAdjectives may stand before the noun they describe: "80 dead
// civilians", "22,000 injured residents".
var casualtyAdjectives = map[string]bool{
	"dead": true, "killed": true, "injured": true, "wounded": true,
	"missing": true, "displaced": true, "trapped": true,
}

// classify decides whether the number at c.at counts something the rules
// recognise and fills in Metric and Who. earlier are the sentence's figures
// before this one, whose metric a follow-up figure may share.
func classify(text string, toks []token, c *candidate, earlier []candidate) bool {
	var prev *candidate
	if len(earlier) > 0 {
		prev = &earlier[len(earlier)-1]
	}
	// The counted noun follows the figure, after a few modifiers.
	var (
		head      = -1
		headNoun  noun
		modifier  noun // a people noun used as a modifier: "civilian deaths"
		modText   string
		adjective string // a casualty adjective: "dead civilians"
	)
	for j, mods := c.to, 0; j < len(toks) && j < c.to+nounReach; j++ {
		t := toks[j]
		if t.kind != tkWord {
			break
		}
		n, ok := nouns[t.low]
		if !ok && isDemonymPlural(t) {
			n, ok = noun{cat: catPeople, who: text[t.start:t.end]}, true
		}
		if ok {
			if n.cat == catUnit {
				return false
			}
			if casualtyAdjectives[t.low] && j+1 < len(toks) && hasNounAhead(toks, j+1) {
				adjective = cueWords[t.low]
				continue
			}
			if (n.cat == catPeople || n.cat == catForce) && j+1 < len(toks) {
				if n2, ok := nouns[toks[j+1].low]; ok && n2.cat != catUnit && n2.cat != catStructure {
					modifier, modText = n, t.low
					continue
				}
			}
			head, headNoun = j, n
			break
		}
		if stopWords[t.low] || speechVerbs[t.low] {
			break
		}
		if mods++; mods > 3 {
			break
		}
	}
	if head < 0 {
		return classifyBare(text, toks, c, earlier)
	}
	c.to = head + 1
	switch headNoun.cat {
	case catCasualty:
		c.Metric = headNoun.metric
		switch {
		case modifier.who != "":
			c.Who = modifier.who
		case prev != nil && prev.Who != "" && c.at == head-1:
			c.Who = prev.Who // "300 civilians … including 140 killed"
		default:
			c.Who = "people"
		}
	case catStrike:
		if c.Value == 1 {
			return false // "one strike killed 40" describes the strike, it counts nothing
		}
		c.Metric = headNoun.metric
	case catStructure:
		verb := nearestCue(toks, destroyWords, c.from, c.to, cueReach)
		if verb == "" {
			return false
		}
		c.Metric = headNoun.who + "_" + verb
	case catPeople, catForce:
		if spokeNext(toks, c.to) {
			return false // "two officials said": the speakers, not a count
		}
		c.Who = headNoun.who
		if modifier.who != "" {
			c.Who = modText + " " + headNoun.who
		}
		if ofFamily(toks, head) {
			c.Who = "family members"
			c.to = head + 4
		}
		// "the bodies of 80 dead civilians" counts bodies, not deaths.
		metric := ""
		if c.from >= 2 && toks[c.from-1].low == "of" && cueWords[toks[c.from-2].low] == "bodies" {
			metric = "bodies"
		}
		if metric == "" {
			metric = adjective
		}
		if metric == "" {
			metric = nearestCue(toks, cueWords, c.from, c.to, cueReach)
		}
		if metric == "" && prev != nil && prev.Metric != "" && c.from-prev.to <= 6 {
			metric = prev.Metric // "including 32 children and 31 women"
		}
		if metric == "" && headNoun.cat == catForce {
			metric = "fighters"
			switch headNoun.who {
			case "soldiers", "troops", "personnel", "marines", "servicemen", "police", "policemen":
				metric = "troops"
			}
		}
		if metric == "" {
			return false
		}
		c.Metric = metric
	default:
		return false
	}
	c.Metric += rateAfter(toks, c.to)
	return true
}

// classifyBare handles a figure with no counted noun after it: "a
// 1,000-strong force", "killing 40", "fatalities rose to 198", "up from 645".
func classifyBare(text string, toks []token, c *candidate, earlier []candidate) bool {
	t := toks[c.at]
	if t.kind == tkNum && t.suffix == "strong" {
		c.Metric = "fighters"
		c.Who = forceAfter(text, toks, c.to)
		return true
	}
	// "Another 60 were wounded", "five have died".
	if m := predicateCue(toks, c.to); m != "" {
		c.Metric, c.Who = m, "people"
		c.Metric += rateAfter(toks, c.to)
		return true
	}
	if c.from == 0 {
		return false
	}
	p := toks[c.from-1]
	if m, ok := cueWords[p.low]; ok && p.kind == tkWord {
		c.Metric, c.Who = m, "people"
		c.Metric += rateAfter(toks, c.to)
		return true
	}
	switch p.low {
	case "from", "to", "with", "than", "against", "versus", "vs", "at", "of", "reached", "hit", "stood", "was", "is", "totalled", "totaled", ":":
	default:
		return false
	}
	// A comparison ("up from 645", "compared to 56") restates the
	// sentence's main figure, its first, for another time or place; the
	// figures in between are usually a breakdown of that main one.
	if len(earlier) > 0 {
		switch p.low {
		case "from", "to", "with", "than", "against", "versus", "vs":
			c.Metric, c.Who = earlier[0].Metric, earlier[0].Who
			return true
		}
	}
	// Look back for what is counted: the subject of "rose to", "stood at".
	best, bestCat := -1, category(0)
	for j := c.from - 1; j >= 0 && j >= c.from-leftReach; j-- {
		tj := toks[j]
		if tj.kind == tkNum {
			break
		}
		n, ok := nouns[tj.low]
		if !ok || (n.cat != catCasualty && n.cat != catStrike) {
			if tj.low == "toll" {
				n, ok = noun{cat: catCasualty, metric: "killed"}, true
			} else {
				continue
			}
		}
		// Casualty nouns outrank strike nouns: "fatalities from airstrikes
		// rose to 198" counts fatalities.
		if best < 0 || n.cat == catCasualty && bestCat != catCasualty {
			best, bestCat = j, n.cat
			c.Metric = n.metric
			c.Who = "people"
			if j > 0 {
				if m, ok := nouns[toks[j-1].low]; ok && m.cat == catPeople {
					c.Who = m.who
				}
			}
			if bestCat == catStrike {
				c.Who = ""
			}
		}
	}
	if best < 0 {
		return false
	}
	c.Metric += rateAfter(toks, c.to)
	return true
}

// predicateCue reads a casualty verb right after a bare figure, past its
// auxiliaries: "60 were wounded", "five have been killed", "12 died".
func predicateCue(toks []token, j int) string {
	for k := j; k < len(toks) && k < j+4 && toks[k].kind == tkWord; k++ {
		w := toks[k].low
		if m, ok := cueWords[w]; ok {
			if w == "lost" || w == "lives" || w == "buried" || w == "remains" || w == "bodies" || w == "corpses" {
				return "" // need an object to mean a death toll
			}
			return m
		}
		if !finiteVerbs[w] && w != "also" && w != "reportedly" && w != "later" {
			return ""
		}
	}
	return ""
}

// hasNounAhead reports a counted noun within two tokens of j.
func hasNounAhead(toks []token, j int) bool {
	for k := j; k < len(toks) && k < j+3; k++ {
		if toks[k].kind != tkWord || stopWords[toks[k].low] {
			return false
		}
		if n, ok := nouns[toks[k].low]; ok {
			return n.cat == catPeople || n.cat == catForce
		}
	}
	return false
}

// ofFamily reports "members of his family".
func ofFamily(toks []token, head int) bool {
	if head+3 >= len(toks) || toks[head].low != "members" && toks[head].low != "member" {
		return false
	}
	if toks[head+1].low != "of" || toks[head+3].low != "family" {
		return false
	}
	switch toks[head+2].low {
	case "his", "her", "their", "the", "my", "our", "a", "one":
		return true
	}
	return false
}

// nearestCue finds the cue word closest to the figure phrase [from, to)
// within reach tokens on either side and returns its metric. On a tie the
// word after the figure wins: "N civilians were killed" is the common shape.
// The search does not cross another number or a semicolon: beyond them the
// verb belongs to another count ("the attack, which killed 5, came as 200
// students gathered").
func nearestCue(toks []token, cues map[string]string, from, to, reach int) string {
	right, left := true, true
	for d := 0; d < reach && (right || left); d++ {
		if j := to + d; right && j < len(toks) {
			t := toks[j]
			if m, ok := cues[t.low]; ok && t.kind == tkWord {
				return m
			}
			// Another verb in the past tense starts another predicate:
			// "twenty gunmen attacked the village and killed 5".
			right = t.kind != tkNum && t.low != ";" &&
				!(len(t.low) > 4 && strings.HasSuffix(t.low, "ed") && !passiveHelpers[t.low])
		}
		if j := from - 1 - d; left && j >= 0 {
			t := toks[j]
			if m, ok := cues[t.low]; ok && t.kind == tkWord {
				return m
			}
			left = t.kind != tkNum && t.low != ";"
		}
	}
	return ""
}

// spokeNext reports "two soldiers said", "two officials also told": the
// count names the speakers.
func spokeNext(toks []token, j int) bool {
	for k := j; k < len(toks) && k < j+3 && toks[k].kind == tkWord; k++ {
		if speechVerbs[toks[k].low] {
			return true
		}
		if !subjectAdverbs[toks[k].low] {
			return false
		}
	}
	return false
}

// rateAfter returns a "_per_day"-style suffix when the figure is a rate:
// "27 civilians are killed daily", "30 civilians were killed a month".
func rateAfter(toks []token, j int) string {
	for k := j; k < len(toks) && k < j+rateReach; k++ {
		t := toks[k]
		if t.kind != tkWord {
			if t.low == "," || t.low == ";" {
				return ""
			}
			continue
		}
		suffix, ok := rateWords[t.low]
		if !ok {
			continue
		}
		switch t.low {
		case "daily", "weekly", "monthly", "yearly", "annually":
			return suffix
		}
		if k > 0 {
			switch toks[k-1].low {
			case "a", "per", "each", "every", "an":
				return suffix
			}
		}
	}
	return ""
}

// forceAfter names the force in "a 1,000-strong ISIS force": the words up to
// the force noun, leaving out any parenthesis.
func forceAfter(text string, toks []token, j int) string {
	depth, words := 0, make([]string, 0, 4)
	for k := j; k < len(toks) && k < j+strongReach; k++ {
		t := toks[k]
		switch {
		case t.low == "(":
			depth++
			continue
		case t.low == ")":
			depth--
			continue
		case depth > 0:
			continue
		case t.kind != tkWord:
			return ""
		}
		words = append(words, text[t.start:t.end])
		if forceNouns[t.low] {
			return joinWords(words)
		}
	}
	return ""
}

func joinWords(w []string) string {
	n := 0
	for _, s := range w {
		n += len(s) + 1
	}
	b := make([]byte, 0, n)
	for i, s := range w {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, s...)
	}
	return string(b)
}

// isDemonymPlural recognises a capitalised plural of a people's name, such
// as "Palestinians", "Iraqis", "Afghans" or "Kurds", which counts people like
// "civilians" does. Singular forms ("Syrian") are adjectives and are skipped
// as modifiers.
func isDemonymPlural(t token) bool {
	if !t.cap || len(t.low) < 5 || notDemonyms[t.low] {
		return false
	}
	for _, suf := range demonymSuffixes {
		if strings.HasSuffix(t.low, suf) {
			return true
		}
	}
	return false
}

var (
	demonymSuffixes = []string{"ians", "ans", "is", "ese", "ites", "ks", "ds", "bs"}
	notDemonyms     = map[string]bool{"paris": true, "tunis": true, "memphis": true, "thesis": true, "crisis": true, "basis": true}
)
