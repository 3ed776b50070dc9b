package extract

import (
	"strings"
	"unicode"
)

// noteFunc is told, when extraction is explained, why the number at token
// i did or did not become a figure.
type noteFunc func(i int, why string)

// findFigures returns the figure claims of one sentence, without sources.
// before is the last figure of the sentence before in the same paragraph,
// whose count a subtotal may continue ("Of those, 40 were soldiers"); note,
// when not nil, hears why each number was or was not taken.
func findFigures(text string, toks []token, before *candidate, note noteFunc) []candidate {
	var (
		figs          []candidate
		timePhrases   []phrase // found once per sentence, not once per figure
		placePhrases  []phrase
		actorPlace    bool // a place is the sentence's actor: "Sierra Leone recorded 40 cases"
		phrasesListed bool
	)
	if note == nil {
		note = func(int, string) {}
	}
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind == tkNum && t.huge {
			note(i, "above 10^12, more than any count the desk checks")
			continue
		}
		if t.kind == tkTime {
			note(i, "a clock time")
			continue
		}
		if t.kind != tkNum && !(t.kind == tkWord && startsAmount(toks, i)) {
			continue
		}
		if t.kind == tkNum && badlyGrouped(toks, i) {
			note(i, "digits not in groups of three (\"3,86\"): the number cannot be read exactly")
			continue
		}
		value, next, kind := parseAmount(toks, i)
		if kind == amountNone {
			continue
		}
		if value > MaxFigure {
			note(i, "above 10^12, more than any count the desk checks")
			i = next - 1
			continue
		}
		q, from := qualifierBefore(toks, i)
		if kind == amountVague {
			if !(i > 0 && toks[i-1].low == "as" && i+1 < len(toks) && toks[i+1].low == "as") { // not the hedge "as many as"
				note(i, "a vague quantity, with no value to check")
			}
			i = next - 1
			continue
		}
		if why := notACount(toks, i, next, value); why != "" {
			note(i, why)
			if r := rangeEnd(toks, i, next); r > next {
				i = r - 1
			}
			continue
		}
		// "a dozen" is a count; "more than a dozen" is a manner of speaking.
		if t.kind == tkWord && (t.low == "a" || t.low == "an") && q != Exact && q != About {
			note(i, "a manner of speaking, not a count")
			i = next - 1
			continue
		}
		c := candidate{at: i, from: from, to: next}
		c.Value, c.Qualifier, c.At = value, q, toks[i].start
		// A range is one figure with a minimum and a maximum: "between 200
		// and 350", "154,000 to 172,000", "30-50".
		if lo, hi, end, why, ok := pairAt(toks, i, next, from, value); ok {
			if why != "" {
				note(i, why)
				i = end - 1
				continue
			}
			c.Value, c.Max, c.to = lo, hi, end
			if from > 0 && toks[from-1].low == "between" {
				c.from = from - 1
			}
		}
		if hypothetical(toks, c.from) {
			note(i, "a hypothesis (\"if …\"), not a count")
			i = c.to - 1
			continue
		}
		if why := nonClaim(toks, c.from, c.to); why != "" {
			note(i, why)
			i = c.to - 1
			continue
		}
		if why := classify(text, toks, &c, figs, before); why != "" {
			note(i, why)
			continue
		}
		if projected(toks, c.to) || foreseen(toks, c.from) {
			note(i, "a projection (\"could die\"), not a count")
			i = c.to - 1
			continue
		}
		if !phrasesListed {
			timePhrases, phrasesListed = periods(toks), true
			placePhrases, actorPlace = places(text, toks)
		}
		if ph := nearestPhrase(text, toks, timePhrases, c.at, c.from, c.to); ph != "" || c.Period == "" {
			c.Period = ph // a figure put on "the number" keeps that count's period
		}
		c.Place = strings.TrimSuffix(strings.TrimSuffix(nearestPhrase(text, toks, placePhrases, c.at, c.from, c.to), "'s"), "\u2019s")
		if c.Place == "" && !actorPlace {
			// A reader carries the place of the count a figure continues:
			// "300 killed in Mosul – including 140 in a single strike".
			if len(figs) > 0 {
				c.Place = figs[len(figs)-1].Place
			} else if before != nil {
				c.Place = before.Place
			}
		}
		note(i, "")
		figs = append(figs, c)
		i = max(c.to, next) - 1
	}
	return figs
}

// hypothetical reports a number inside a condition: "this could rise to
// 302 if the 18 men still missing have died" states no count of 18.
func hypothetical(toks []token, from int) bool {
	for j := from - 1; j >= 0 && j >= from-8; j-- {
		switch toks[j].low {
		case "if", "unless", "should":
			return true
		case ",", ";", "\u2013", "\u2014", "that", "who", "which", "and", "but":
			return false
		}
	}
	return false
}

// projected reports a count that a modal verb puts in the future: "20,000
// cases could occur", "100,000 people will need shelter". An estimate of
// what already happened ("may have died", "could be trapped") stays a
// count.
func projected(toks []token, j int) bool {
	k := j
	for k < len(toks) && k < j+2 && (toks[k].low == "still" || toks[k].low == "eventually" || toks[k].low == "also") {
		k++
	}
	if k+1 >= len(toks) {
		return false
	}
	switch toks[k].low {
	case "could", "would", "might", "will", "may":
	default:
		return false
	}
	if projectionVerbs[toks[k+1].low] {
		return true
	}
	// "4 million people could be infected this year": an event still to
	// come; "could be trapped" is a state that may already be.
	return toks[k+1].low == "be" && k+2 < len(toks) && projectionParticiples[toks[k+2].low]
}

// foreseen reports a figure that a forecast names before it: "the toll
// could reach 300,000", "may rise to 500", "expected 600,000 cases by
// the end of the year".
func foreseen(toks []token, from int) bool {
	k := from - 1
	if k >= 0 && toks[k].low == "to" {
		k--
	}
	if k < 0 {
		return false
	}
	if forecastVerbs[toks[k].low] {
		return true
	}
	if !projectionVerbs[toks[k].low] {
		return false
	}
	for m := k - 1; m >= 0 && m >= k-2; m-- {
		switch toks[m].low {
		case "could", "would", "might", "will", "may":
			return true
		case "eventually", "still", "soon", "even":
			continue
		}
		return false
	}
	return false
}

// forecastVerbs put the count after them in the future.
var forecastVerbs = map[string]bool{
	"expected": true, "expects": true, "predicted": true, "predicts": true, "forecast": true,
	"forecasts": true, "projected": true, "projects": true, "anticipated": true, "anticipates": true,
}

// projectionParticiples after "could be" name an event, not a state.
var projectionParticiples = map[string]bool{
	"infected": true, "killed": true, "displaced": true, "affected": true, "forced": true,
	"evacuated": true, "exposed": true, "hit": true, "uprooted": true,
}

// projectionVerbs after a modal say what a count may become: "could
// occur", "will die", "may need". Verbs of state ("may lie beneath the
// rubble", "could be trapped") estimate what already is, and stay counts.
var projectionVerbs = map[string]bool{
	"occur": true, "die": true, "rise": true, "reach": true, "climb": true, "exceed": true,
	"top": true, "double": true, "need": true, "face": true, "become": true, "contract": true,
	"flee": true, "arrive": true, "follow": true, "increase": true, "grow": true,
}

// badlyGrouped reports a number glued to another by a group separator
// that does not separate groups of three ("3,86", "38,64"): neither part
// is the number the writer meant, so neither is read.
func badlyGrouped(toks []token, i int) bool {
	glued := func(a, b int) bool { // toks[a] sep toks[b], with nothing between
		if a < 0 || b >= len(toks) || toks[a].kind != tkNum || toks[b].kind != tkNum || toks[a].suffix != "" {
			return false
		}
		sep := toks[a+1]
		switch sep.low {
		case ",", ".", "'", "\u2019", "\u066c":
		default:
			return false
		}
		return toks[a].end == sep.start && sep.end == toks[b].start
	}
	return glued(i-2, i) || glued(i, i+2)
}

// pairAt reads a range whose first number, worth value, spans
// toks[i:next], with its hedge starting at toks[from]: ok is false when no
// second number follows. A pair that is not a range ("350 to 200", "two or
// three") comes back with why saying so and end after it. Otherwise lo is
// the bottom, scaled as the top is ("1.5 to 2 million": the scale after the
// second number is the first's too), hi the top and end the index after
// it. The extractor and ReadRange both read ranges through it, so an
// article, a statement and a figure= argument read "between 200 and 350"
// alike.
func pairAt(toks []token, i, next, from int, value float64) (lo, hi float64, end int, why string, ok bool) {
	hi, end, ok = rangeAt(toks, i, next)
	if !ok {
		return 0, 0, next, "", false
	}
	if hi <= value || toks[from].low == "between" && toks[next].low != "and" && next < len(toks) && toks[next].low != "to" {
		return 0, 0, end, "a pair of numbers that is not a range", true
	}
	if vaguePair(toks, i, next, value, hi) {
		return 0, 0, end, "an approximation (\"two or three\"), not a count", true
	}
	lo = value
	if s, isScale := scaleWords[toks[end-1].low]; isScale && next == i+1 && lo*s <= hi {
		lo *= s
	}
	return lo, hi, end, "", true
}

// rangeAt reads the second number of a range after the first, which ends at
// next: "30 to 50", "30-50", "30–50", "between 30 and 50", "two or three".
// It returns the maximum and the index after it.
func rangeAt(toks []token, i, next int) (float64, int, bool) {
	t := toks[i]
	if rangeSuffix(t) {
		// "30-50" is one token: the second number is its suffix.
		hi, _, err := ReadFigure(t.suffix)
		return hi, next, err == nil
	}
	if next+1 >= len(toks) {
		return 0, next, false
	}
	switch toks[next].low {
	case "to", "or", "-", "\u2013", "\u2014":
	case "and":
		if _, from := qualifierBefore(toks, i); from == 0 || toks[from-1].low != "between" {
			return 0, next, false
		}
	default:
		return 0, next, false
	}
	k := next + 1
	if !(toks[k].kind == tkNum && toks[k].suffix == "" || toks[k].kind == tkWord && startsAmount(toks, k)) {
		return 0, next, false
	}
	hi, end, kind := parseAmount(toks, k)
	if kind != amountValue || hi > MaxFigure {
		return 0, next, false
	}
	// "1.5 to 2 million": the scale after the second number applies to both.
	return hi, end, true
}

// rangeSuffix reports a number whose hyphenated suffix is a second number:
// "30-50" is one token.
func rangeSuffix(t token) bool {
	return t.kind == tkNum && t.suffix != "" && allDigits(t.suffix)
}

// rangeEnd is the index after a range starting at i, or next.
func rangeEnd(toks []token, i, next int) int {
	if _, end, ok := rangeAt(toks, i, next); ok {
		return end
	}
	return next
}

// vaguePair reports an approximation written as two neighbouring numbers
// joined by "or": "two or three", "five or six".
func vaguePair(toks []token, i, next int, lo, hi float64) bool {
	return next < len(toks) && toks[next].low == "or" && hi-lo <= 1
}

// nonClaim rejects numbers that describe a whole or a size, not a count of
// what happened: the whole of a part ("a third of the 600 houses", "two of
// the four bridges", "three out of five buildings"), a group's size
// ("groups of 30 to 50 people").
func nonClaim(toks []token, from, to int) string {
	if from >= 2 {
		p, pp := toks[from-1].low, toks[from-2].low
		if p == "the" && pp == "of" && from >= 3 && isQuantity(toks, from-3) || p == "of" && pp == "out" {
			return "the whole that a part is taken from (\"two of the four\"), not a count"
		}
		if p == "of" && (pp == "groups" || pp == "group" || pp == "teams" || pp == "batches" || pp == "units") {
			return "the size of a group, not a count"
		}
		if p == "of" && from >= 3 && (pp == "one" || pp == "each") {
			return "the whole that one is taken from, not a count"
		}
	}
	if from >= 1 && toks[from-1].low == "of" && from >= 2 && fractionWords[toks[from-2].low] {
		return "the whole a fraction is taken from, not a count"
	}
	return ""
}

// isQuantity reports a number or a quantity word at toks[k]: the part in
// "two of the four", "most of the 600".
func isQuantity(toks []token, k int) bool {
	t := toks[k]
	return t.kind == tkNum || t.kind == tkWord && (startsAmount(toks, k) || fractionWords[t.low] || quantifiers[t.low])
}

var quantifiers = map[string]bool{
	"most": true, "many": true, "some": true, "all": true, "none": true, "each": true,
	"several": true, "few": true, "majority": true, "one": true, "both": true,
}

// crowdNouns are people counted as a crowd: how many took part.
var crowdNouns = map[string]bool{"demonstrators": true, "protesters": true, "protestors": true, "marchers": true,
	"mourners": true, "participants": true, "worshippers": true, "worshipers": true, "spectators": true}

// partPronouns stand for a count already given: "363 of them".
var partPronouns = map[string]bool{"them": true, "those": true, "these": true, "whom": true, "which": true}

// fractionWords take a part of a whole: "half of 600", "a third of".
var fractionWords = map[string]bool{
	"half": true, "third": true, "thirds": true, "quarter": true, "quarters": true,
	"fifth": true, "fifths": true, "tenth": true, "percent": true, "%": true,
}

// notACount says why the number at toks[i] is not a count: a date, a
// year, a clock time, an age, money, an ordinal or a measure glued on
// ("12th", "5km", "three-day"). It returns "" for a count.
// inExpression reports a number glued, through quotes and brackets, to an
// "=": "x=1", "'1'='1", "(id=5)". Prose puts spaces around an equals sign
// ("1 USD = 3,700 dinars"); a glued one is code or a formula pasted in, and
// its numbers count nothing.
func inExpression(toks []token, i, next int) bool {
	glued := func(a, b int) bool { return toks[a].end == toks[b].start }
	for j := i - 1; j >= 0 && glued(j, j+1) && toks[j].kind == tkPunct; j-- {
		if toks[j].low == "=" {
			return true
		}
	}
	for j := next; j < len(toks) && glued(j-1, j) && toks[j].kind == tkPunct; j++ {
		if toks[j].low == "=" {
			return true
		}
	}
	return false
}

func notACount(toks []token, i, next int, value float64) string {
	t := toks[i]
	if t.kind == tkNum {
		if t.glued {
			return "an ordinal or a measure (" + t.low + t.suffix + ")"
		}
		if t.suffix != "" && t.suffix != "strong" && !allDigits(t.suffix) {
			if strings.HasSuffix(t.suffix, "old") {
				return "an age"
			}
			return "a description (" + t.low + "-" + t.suffix + "), not a count"
		}
	}
	if inExpression(toks, i, next) {
		return "part of an expression or code (=), not a count" // "WHERE ('1'='1"
	}
	if i > 0 {
		p := toks[i-1]
		switch {
		case p.kind == tkWord && p.cap && monthWords[p.low]:
			return "a date" // "March 17"
		case p.low == "aged" || p.low == "age" || p.low == "ages":
			return "an age"
		case p.low == "$" || p.low == "£" || p.low == "€" || p.low == "¥" || p.low == "us$":
			return "money"
		case p.low == "no" && p.cap || p.low == "no.":
			return "a number that names, not counts" // "No 10"
		case p.low == "(" && next < len(toks) && toks[next].low == ")":
			return "a number in brackets with nothing counted" // a phone prefix "(888)"
		}
	}
	if next < len(toks) {
		n := toks[next]
		switch {
		case n.kind == tkWord && n.cap && monthWords[n.low]:
			return "a date" // "17 March"
		case clockWords[n.low] && !(n.low == "local" && !(next+1 < len(toks) && toks[next+1].low == "time")):
			return "a clock time"
		case n.low == "years" || n.low == "year":
			if next+1 < len(toks) && toks[next+1].low == "old" {
				return "an age"
			}
		}
	}
	// A bare four-digit number in the range of years is a year unless it is
	// immediately followed by what it counts ("2000 people").
	if t.kind == tkNum && next == i+1 && value >= 1800 && value <= 2100 && value == float64(int(value)) && !t.grouped {
		if next >= len(toks) {
			return "a year"
		}
		n, ok := nouns[toks[next].low]
		if !ok || n.cat == catUnit {
			return "a year"
		}
		if i > 0 {
			switch toks[i-1].low {
			case "in", "since", "by", "until", "from", "of", "before", "after", "during", ",":
				return "a year"
			}
		}
	}
	return ""
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

// classify decides whether the number at c.at counts something and fills
// in Metric and Who. earlier are the sentence's figures before this one,
// whose metric a follow-up figure may share; before is the last figure of
// the previous sentence, which a subtotal may continue. It returns "" for
// a figure, else why the number is not one.
//
// A figure is a number, the thing counted (the noun phrase after it, or a
// noun phrase the sentence points to) and what happened to it (a verb near
// it). The vocabulary in lexicon.go names the common counts so they group
// (bodies found and deaths are both "killed"), but a count of any plural
// noun with any verb is kept, in the article's own words.
func classify(text string, toks []token, c *candidate, earlier []candidate, before *candidate) string {
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
		firstMod  = -1   // the first modifier word, for an open noun's phrase
	)
	start := c.to
	if start+2 < len(toks) && toks[start].low == "of" && isPossessivePronoun(toks[start+1].low) {
		start += 2 // "66 of its soldiers", "four of their children"
	}
	for j, mods := start, 0; j < len(toks) && j < start+nounReach; j++ {
		t := toks[j]
		if t.kind != tkWord {
			break
		}
		n, ok := nouns[t.low]
		if !ok && isDemonymPlural(t) && !(j+1 < len(toks) && isCountedNoun(toks[j+1])) {
			n, ok = noun{cat: catPeople, who: text[t.start:t.end]}, true
		}
		if ok {
			if n.cat == catUnit {
				return "a measure of time, distance or money (" + t.low + "), not a count"
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
		if stopWords[t.low] || speechVerbs[t.low] || finiteVerbs[t.low] {
			break
		}
		if looksPlural(t) && !(j+1 < len(toks) && isCountedNoun(toks[j+1])) {
			if firstMod < 0 {
				firstMod = j
			}
			head, headNoun = j, noun{cat: catOpen, who: text[toks[firstMod].start:t.end]}
			break
		}
		if firstMod < 0 {
			firstMod = j
		}
		if mods++; mods > 3 {
			break
		}
	}
	if head < 0 && c.to+1 < len(toks) && toks[c.to].kind == tkWord && toks[c.to].cap && !monthWords[toks[c.to].low] && !weekdayWords[toks[c.to].low] {
		// "6,700 Rohingya were killed": a people's name that does not
		// look plural, with a casualty verb right after it.
		if m := predicateCue(toks, c.to+1); m != "" {
			c.Metric, c.Who, c.to = m, text[toks[c.to].start:toks[c.to].end], c.to+1
			c.Metric += rateAfter(toks, c.to)
			return ""
		}
	}
	if head < 0 {
		// "claimed 31 lives", "cost 12 lives": a death toll.
		if c.to < len(toks) && toks[c.to].low == "lives" {
			c.Metric, c.Who, c.to = "killed", "people", c.to+1
			return ""
		}
		return classifyBare(text, toks, c, earlier, before)
	}
	c.to = head + 1
	switch headNoun.cat {
	case catCasualty:
		c.Metric = headNoun.metric
		switch {
		case modifier.who != "":
			c.Who = modifier.who
		case prev != nil && prev.Who != "" && c.at == head-1 && countNouns[strings.ToLower(lastWord(prev.Who))] == "":
			c.Who = prev.Who // "300 civilians … including 140 killed"
		default:
			c.Who = "people"
		}
	case catStrike:
		if c.Value == 1 && c.Max == 0 {
			return "one attack is described, not counted"
		}
		c.Metric = headNoun.metric
	case catStructure:
		verb := nearestCue(toks, destroyWords, c.from, c.to, cueReach)
		if verb == "" {
			if ev := openEvent(text, toks, c.from, c.to); ev != "" && !attackVerbs[ev] {
				verb = ev
			}
		}
		if verb == "" {
			return "counts " + headNoun.who + " but says nothing happened to them"
		}
		c.Metric = headNoun.who + "_" + metricOf(verb)
	case catOpen:
		if spokeNext(toks, c.to) {
			return "the people speaking, not a count"
		}
		c.Who = headNoun.who
		if m, ok := countNouns[toks[head].low]; ok {
			c.Metric = m // "five new cases"
			break
		}
		// What happened to a thing is said right beside it: a casualty
		// word further off ("bombed two compounds, killing 237") is about
		// people.
		ev := openEvent(text, toks, c.from, c.to)
		if ev == "" && prev != nil && prev.Metric != "" && c.from-prev.to <= 6 {
			c.Metric = prev.Metric // "1,370 Palestinians, including at least 309 non-combatants, were killed"
			break
		}
		if ev == "" || attackVerbs[ev] {
			return "no event: nothing is said to have happened to the " + headNoun.who
		}
		c.Metric = metricOf(ev)
	case catPeople, catForce:
		if spokeNext(toks, c.to) {
			return "the people speaking, not a count" // "two officials said"
		}
		c.Who = headNoun.who
		if modifier.who != "" {
			c.Who = modText + " " + headNoun.who
		} else if firstMod >= 0 && firstMod < head && !toks[firstMod].cap {
			c.Who = text[toks[firstMod].start:toks[head].end] // "relief workers"
		}
		// "430,000 migrants and refugees had crossed": two kinds of
		// people counted together; the verb comes after both.
		k := head + 2
		if k+1 < len(toks) && toks[k].kind == tkWord && !toks[k].cap && !stopWords[toks[k].low] && !isPeopleNoun(toks[k]) && !startsAmount(toks, k) &&
			(isPeopleNoun(toks[k+1]) || looksPlural(toks[k+1])) {
			k++ // "migrants and asylum seekers"
		}
		if k < len(toks) && (toks[head+1].low == "and" || toks[head+1].low == "or") && (isPeopleNoun(toks[k]) || k > head+2) {
			c.Who = text[toks[c.to-1].start:toks[k].end]
			if firstMod >= 0 && firstMod < head && !toks[firstMod].cap {
				c.Who = text[toks[firstMod].start:toks[k].end]
			}
			c.to = k + 1
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
		if metric == "" && c.from > 0 && headNoun.cat == catPeople {
			// The verb whose object the count is: "has infected 4,200
			// people and killed 95" infected the 4,200.
			if m, ok := eventMetrics[toks[c.from-1].low]; ok && !attackVerbs[toks[c.from-1].low] {
				metric = m
			}
		}
		if metric == "" {
			metric = nearestCue(toks, cueWords, c.from, skipAside(toks, c.to), cueReach)
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
		if metric == "" && (crowdNouns[toks[head].low] || c.from >= 2 && toks[c.from-1].low == "of" && collectiveNouns[toks[c.from-2].low] == "took_part") {
			metric = "took_part" // "1,500 demonstrators", "a crowd of about 150 people"
		}
		if metric == "" {
			if ev := openEvent(text, toks, c.from, c.to); ev != "" {
				metric = verbMetric(toks, c.to, ev)
			}
		}
		if metric == "" {
			// A count of people with no verb is still a count: "350 relief
			// workers", "70 firefighters". It is named by who they are.
			metric = strings.ReplaceAll(Normalize(c.Who), " ", "_")
		}
		c.Metric = metric
	default:
		return "no counted thing after it"
	}
	c.Metric += rateAfter(toks, c.to)
	return ""
}

// classifyBare handles a figure with no counted noun after it: "a
// 1,000-strong force", "killing 40", "fatalities rose to 198", "up from
// 645", "709 were Hamas militants", "Of the schools closed, 184 were in
// Gyeonggi", "Among the workers who arrived were 70 from the United
// States", "a crowd of 98,600".
func classifyBare(text string, toks []token, c *candidate, earlier []candidate, before *candidate) string {
	const none = "no counted thing after it, and nothing before it says what it counts"
	t := toks[c.at]
	if t.kind == tkNum && t.suffix == "strong" {
		c.Metric = "fighters"
		c.Who = forceAfter(text, toks, c.to)
		return ""
	}
	// "Another 60 were wounded", "five have died".
	if m := predicateCue(toks, c.to); m != "" {
		c.Metric, c.Who = m, "people"
		c.Metric += rateAfter(toks, c.to)
		return ""
	}
	// "363 of them had been rescued": a part of the count before.
	if c.to+1 < len(toks) && toks[c.to].low == "of" && partPronouns[toks[c.to+1].low] {
		who := "people"
		if len(earlier) > 0 {
			who = earlier[len(earlier)-1].Who
		} else if before != nil {
			who = before.Who
		}
		ev := nearestCue(toks, cueWords, c.to+2, c.to+2, cueReach)
		if ev == "" {
			if e := openEvent(text, toks, c.to+2, c.to+2); e != "" {
				ev = metricOf(e)
			}
		}
		if ev == "" {
			// "which said 1,462 of them were civilians": a part of the
			// count before, named by what they were.
			carried := before
			if len(earlier) > 0 {
				carried = &earlier[len(earlier)-1]
			}
			if pw := predicateNoun(text, toks, c.to+2); pw != "" && carried != nil && carried.Metric != "" {
				c.Who, c.Metric, c.to = pw, carried.Metric, c.to+2
				return ""
			}
			return "a part of a count with nothing said to have happened to it"
		}
		c.Who, c.Metric, c.to = who, ev, c.to+2
		return ""
	}
	if who, metric, ok := opener(text, toks, c, earlier, before); ok {
		c.Who, c.Metric = who, metric
		return ""
	}
	// "aid groups said as many as 3,000 were waiting": a number as the
	// subject of its clause, its noun left out because the figure before
	// named it.
	if ev := elidedVerb(toks, c.to); ev != "" {
		carried := before
		if len(earlier) > 0 {
			carried = &earlier[len(earlier)-1]
		}
		if carried != nil && carried.Who != "" {
			c.Who, c.Metric = carried.Who, verbMetric(toks, c.to, ev)
			return ""
		}
	}
	if c.from == 0 {
		return none
	}
	p := toks[c.from-1]
	if m, ok := cueWords[p.low]; ok && p.kind == tkWord && !weakCues[p.low] {
		c.Metric, c.Who = m, "people"
		c.Metric += rateAfter(toks, c.to)
		return ""
	}
	if p.low == "of" && c.from >= 2 {
		if m, ok := collectiveNouns[toks[c.from-2].low]; ok {
			c.Metric, c.Who = m, "people" // "a crowd of 98,600"
			return ""
		}
	}
	switch p.low {
	case "from", "to", "with", "than", "against", "versus", "vs", "at", "of", "reached", "hit", "stood", "was", "is",
		"totalled", "totaled", ":", "reaches", "rose", "rises", "climbed", "climbs", "stands", "hits", "now", "reach",
		"passed", "exceeded", "topped", "surpassed": // "the number of suspected cases has passed 500,000"
	default:
		return none
	}
	switch p.low {
	case "passed", "exceeded", "topped", "surpassed":
		if c.Qualifier == Exact {
			c.Qualifier = MoreThan // a count that has passed 500,000 is more than 500,000
		}
	}
	// "raising the death toll to 301": a toll named after the sentence's
	// earlier figures is what this one counts.
	if m := tollSince(toks, c.from, earlier); m != "" {
		c.Metric, c.Who = m, "people"
		return ""
	}
	// A comparison ("up from 645", "compared to 56") restates the
	// sentence's main figure, its first, for another time or place; the
	// figures in between are usually a breakdown of that main one.
	if len(earlier) > 0 {
		switch p.low {
		case "from", "to", "with", "than", "against", "versus", "vs":
			c.Metric, c.Who = earlier[0].Metric, earlier[0].Who
			if c.from >= 2 && toks[c.from-2].low == "total" {
				c.Who = lastWord(c.Who) // "five new cases, bringing the total to 30"
			}
			return ""
		}
	}
	// Look back for what is counted: the subject of "rose to", "stood at".
	best, bestCat := -1, category(0)
	for j := c.from - 1; j >= 0 && j >= c.from-tollReach; j-- {
		tj := toks[j]
		if tj.kind == tkNum && !(isYear(tj) || j+1 < len(toks) && clockWords[toks[j+1].low]) || tj.kind == tkTime {
			break // another count's words; a year or a time of day is no count
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
		if !valueOf(text, toks, c, earlier, before) {
			return none
		}
		return ""
	}
	c.Metric += rateAfter(toks, c.to)
	return ""
}

// valueNouns are the objects a source puts a value on: "police put the
// crowd at 50,000", "the number of cases rose to 3,069", "officials put the
// number at 5,600". The value they count is the figure's.
var valueNouns = map[string]bool{
	"number": true, "figure": true, "count": true, "total": true, "tally": true,
	"estimate": true, "numbers": true, "figures": true,
}

// valueOf reads what a bare figure after "at" or "to" counts from the
// noun the sentence puts it on: a crowd or a turnout is how many took
// part ("put the crowd at 50,000"); a count noun names itself ("the number
// of cases rose to 3,069"); "the number" or "the figure" alone is the
// count the figure before it in the sentence or paragraph gave ("2,000
// refugees arrived. Police put the number at 5,600"). It reports false
// when the words before the figure name nothing counted.
func valueOf(text string, toks []token, c *candidate, earlier []candidate, before *candidate) bool {
	carried := before
	if len(earlier) > 0 {
		carried = &earlier[len(earlier)-1]
	}
	for j := c.from - 2; j >= 0 && j >= c.from-leftReach; j-- {
		tj := toks[j]
		if tj.kind == tkNum || tj.low == ";" || clauseOpeners[tj.low] {
			return false
		}
		if tj.kind != tkWord {
			continue
		}
		if collectiveNouns[tj.low] == "took_part" || tj.low == "attendance" {
			c.Metric, c.Who = "took_part", "people"
			return true
		}
		if m, ok := countNouns[tj.low]; ok {
			c.Metric, c.Who = m, text[tj.start:tj.end]
			return true
		}
		if !valueNouns[tj.low] && !(tj.low == "it" && j > 0 && revisionVerbs[toks[j-1].low]) {
			continue // "revised it to 247": it is the count just given
		}
		if j+1 < len(toks) && toks[j+1].low == "of" {
			// "the number of trapped miners at 34": the people after
			// "of" and what happened to them.
			metric, who := "", ""
			for k := j + 2; k < c.from-1; k++ {
				w := toks[k].low
				if m, ok := cueWords[w]; ok && metric == "" && !weakCues[w] {
					metric = m
				} else if isPeopleNoun(toks[k]) && who == "" {
					who = text[toks[k].start:toks[k].end]
				}
			}
			if metric == "" || who == "" {
				return false
			}
			c.Metric, c.Who = metric, who
			return true
		}
		if carried == nil || carried.Metric == "" || j < c.from-4 {
			return false
		}
		c.Metric, c.Who = carried.Metric, carried.Who
		if c.Period == "" {
			c.Period = carried.Period
		}
		return true
	}
	return false
}

// tollSince returns the metric of a toll word ("death toll", "toll",
// "casualties") between the last of the sentence's earlier figures and
// from, or "".
func tollSince(toks []token, from int, earlier []candidate) string {
	start := 0
	if len(earlier) > 0 {
		start = earlier[len(earlier)-1].to
	}
	for j := from - 1; j >= start && j >= from-leftReach; j-- {
		if toks[j].low == "toll" {
			return "killed"
		}
	}
	return ""
}

// opener reads the counts that lean on a phrase elsewhere in the sentence
// or on the sentence before: a predicate noun ("709 were Hamas militants",
// continuing the count before), a subtotal after "Of the X," or "Of
// those," and "Among X were N".
func opener(text string, toks []token, c *candidate, earlier []candidate, before *candidate) (who, metric string, ok bool) {
	carried := before
	if len(earlier) > 0 {
		carried = &earlier[len(earlier)-1]
	}
	// "Of the schools where classes were cancelled, 184 …", "Of those, 40 …"
	// and "Among emergency workers who arrived were 70 …".
	if len(toks) > 2 && (toks[0].low == "of" || toks[0].low == "among") && c.from > 1 {
		end := 1
		for end < c.from && toks[end].low != "," && toks[end].kind != tkNum {
			end++
		}
		if end < c.from || toks[0].low == "among" {
			phrase := toks[1:end]
			if toks[0].low == "among" && end == c.from {
				// "Among X were 70": the verb before the number is not X.
				for len(phrase) > 0 && (finiteVerbs[phrase[len(phrase)-1].low]) {
					phrase = phrase[:len(phrase)-1]
				}
			}
			w, m := phraseCount(text, phrase)
			if w == "" && carried != nil {
				w, m = carried.Who, carried.Metric // "Of those"
			}
			// "Of these, 114 escaped", "Of those infected, 3,800 have
			// recovered": the part's own verb says what it counts.
			if ev := elidedVerb(toks, c.to); ev != "" {
				m = verbMetric(toks, c.to, ev)
				if w == "" {
					w = "people"
				}
			}
			if w != "" {
				if pw := predicateNoun(text, toks, c.to); pw != "" {
					w = pw // "Of those, 40 were soldiers"
				}
				if m == "" && carried != nil {
					m = carried.Metric
				}
				if m == "" {
					m = strings.ReplaceAll(Normalize(w), " ", "_")
				}
				return w, m, true
			}
		}
	}
	// "709 were Hamas militants": a part of the count before.
	if pw := predicateNoun(text, toks, c.to); pw != "" && carried != nil && carried.Metric != "" {
		return pw, carried.Metric, true
	}
	return "", "", false
}

// phraseCount reads what a noun phrase counts and what happened to it:
// "the schools where classes were cancelled" → schools, closed; "emergency
// workers who arrived Wednesday" → emergency workers, arrived.
func phraseCount(text string, phrase []token) (who, metric string) {
	for len(phrase) > 0 && determiners[phrase[0].low] {
		phrase = phrase[1:]
	}
	head := -1
	for k, t := range phrase {
		if t.kind != tkWord || clauseWords[t.low] || t.low == "where" {
			break
		}
		if n, ok := nouns[t.low]; ok && n.cat != catUnit || looksPlural(t) {
			head = k
		}
	}
	if head < 0 {
		return "", ""
	}
	who = text[phrase[0].start:phrase[head].end]
	for _, t := range phrase[head+1:] {
		if t.kind != tkWord {
			continue
		}
		if m, ok := cueWords[t.low]; ok {
			return who, m
		}
		if isParticiple(t.low) && !passiveHelpers[t.low] {
			return who, metricOf(t.low)
		}
	}
	if n, ok := nouns[phrase[head].low]; ok && n.cat == catCasualty {
		return "people", n.metric // "Among the dead were 12 …"
	}
	return who, ""
}

// predicateNoun reads "were Hamas militants", "were civilians" after a
// bare number: the noun phrase it is said to be, or "".
func predicateNoun(text string, toks []token, j int) string {
	if j+1 >= len(toks) || toks[j].low != "were" && toks[j].low != "was" && toks[j].low != "are" {
		return ""
	}
	from, k := j+1, j+1
	for k < len(toks) && k < from+4 && toks[k].kind == tkWord {
		t := toks[k]
		if n, ok := nouns[t.low]; ok && n.cat != catUnit && n.cat != catCasualty || isDemonymPlural(t) || looksPlural(t) {
			if k+1 < len(toks) && isCountedNoun(toks[k+1]) {
				k++
				continue
			}
			return text[toks[from].start:t.end]
		}
		if stopWords[t.low] || isParticiple(t.low) {
			return ""
		}
		k++
	}
	return ""
}

// skipAside steps over an aside after a count, so the verb after it is
// found: "1,370 Palestinians, including at least 309 non-combatants, were
// killed".
func skipAside(toks []token, j int) int {
	if j+1 < len(toks) && (toks[j].low == "-" || toks[j].low == "\u2013" || toks[j].low == "\u2014" || toks[j].low == "(") {
		// "31 people – 29 refugees and two Tanzanians – have died"
		closer := toks[j].low
		if closer == "(" {
			closer = ")"
		}
		for k := j + 1; k < len(toks) && k < j+14; k++ {
			if toks[k].low == closer {
				return k + 1
			}
		}
		return j
	}
	if j+1 >= len(toks) || toks[j].low != "," {
		return j
	}
	switch toks[j+1].low {
	case "including", "among", "mostly", "most", "many", "some", "of":
	default:
		return j
	}
	for k := j + 1; k < len(toks) && k < j+12; k++ {
		if toks[k].low == "," {
			return k + 1
		}
	}
	return j
}

// openEvent finds what happened to a counted thing when the vocabulary has
// no word for it: a verb right after the noun phrase, past auxiliaries and
// a relative pronoun ("510,000 people joined", "schools that closed",
// "1,000 workers took part"), or right before the figure ("Police arrested
// 511 people", "has isolated 1,312 people"). It returns the verb as written,
// lower case, or "".
func openEvent(text string, toks []token, from, to int) string {
	inPhrase := false // inside a prepositional phrase: "230 schools of the country's 20,000 reported"
	for k := to; k < len(toks) && k < to+8; k++ {
		t := toks[k]
		if t.kind != tkWord {
			if t.low == "," || t.low == ";" || t.kind == tkNum && !inPhrase {
				break
			}
			continue
		}
		w := t.low
		if w == "took" && k+1 < len(toks) && toks[k+1].low == "part" {
			return "took part"
		}
		if _, ok := cueWords[w]; ok && !weakCues[w] {
			return w
		}
		if speechVerbs[w] && k+1 < len(toks) && toks[k+1].kind == tkWord && !pronouns[toks[k+1].low] &&
			toks[k+1].low != "that" && !determiners[toks[k+1].low] && !toks[k+1].cap {
			return w + " " + toks[k+1].low // "reported no-show"
		}
		if irregularPast[w] || isParticiple(w) && !passiveHelpers[w] {
			return w
		}
		if finiteVerbs[w] || w == "who" || w == "that" || w == "which" || w == "to" || passiveHelpers[w] || strings.HasSuffix(w, "ly") {
			continue
		}
		if placePrepositions[w] || w == "of" || w == "from" || w == "at" {
			inPhrase = true
			continue
		}
		if inPhrase {
			continue
		}
		break
	}
	k := from - 1
	for k >= 0 && (toks[k].low == "another" || toks[k].low == "the" || toks[k].low == "some" || toks[k].low == "of" && k > 1 && toks[k-1].low == "total") {
		if toks[k].low == "of" {
			k -= 2 // "a total of"
			if k >= 0 && toks[k].low == "a" {
				k--
			}
			continue
		}
		k--
	}
	if k >= 0 && toks[k].kind == tkWord && (isParticiple(toks[k].low) || irregularPast[toks[k].low]) && !passiveHelpers[toks[k].low] {
		return toks[k].low
	}
	return ""
}

// isParticiple reports a regular past form: "joined", "isolated", "closed".
func isParticiple(w string) bool {
	return len(w) > 4 && strings.HasSuffix(w, "ed") && !notParticiples[w]
}

// looksPlural reports a plural noun the vocabulary does not know: a word
// in -s that is not a verb, an adverb or a name.
func looksPlural(t token) bool {
	w := t.low
	if t.kind != tkWord || len(w) < 4 || !strings.HasSuffix(w, "s") || notPlurals[w] || speechVerbs[w] {
		return false
	}
	if strings.HasSuffix(w, "ss") || strings.HasSuffix(w, "us") || strings.HasSuffix(w, "is") || strings.HasSuffix(w, "'s") || strings.HasSuffix(w, "\u2019s") {
		return false
	}
	if t.cap && !isDemonymPlural(t) {
		return false // a name: "Hamas", "Reuters"
	}
	return !weekdayWords[strings.TrimSuffix(w, "s")] && !monthWords[w]
}

// isCountedNoun reports a noun the rules know or a plural-looking word:
// "relief" in "relief workers" is then a modifier, not the head.
func isCountedNoun(t token) bool {
	if t.kind != tkWord {
		return false
	}
	if n, ok := nouns[t.low]; ok && n.cat != catUnit {
		return true
	}
	return looksPlural(t)
}

// metricOf names an event in the metric vocabulary, so that "bodies
// recovered" and "killed" group, and "joined", "marched" and "took part"
// do; an event the vocabulary does not know keeps the article's word.
func metricOf(event string) string {
	if m, ok := cueWords[event]; ok {
		return m
	}
	if m, ok := eventMetrics[event]; ok {
		return m
	}
	return strings.ReplaceAll(event, " ", "_")
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
		if !finiteVerbs[w] && w != "also" && w != "reportedly" && w != "later" && w != "remain" && w != "remained" && w != "still" {
			return ""
		}
	}
	return ""
}

// elidedVerb reads the verb of a clause whose subject is a bare number,
// past its auxiliaries: "3,000 were waiting", "400 had crossed", "50 took
// part". It returns the verb as written, lower case, or "".
func elidedVerb(toks []token, j int) string {
	k, aux := j, false
	for k < len(toks) && k < j+4 && toks[k].kind == tkWord && (finiteVerbs[toks[k].low] || toks[k].low == "still" || toks[k].low == "also") {
		aux = aux || finiteVerbs[toks[k].low]
		k++
	}
	if k >= len(toks) || toks[k].kind != tkWord {
		return ""
	}
	w := toks[k].low
	switch {
	case (w == "took" || w == "taken") && k+1 < len(toks) && toks[k+1].low == "part",
		(w == "took" || w == "taken") && k+3 < len(toks) && toks[k+1].low == "to" && toks[k+3].low == "streets":
		return "took part" // "400,000 had taken to the streets"
	case speechVerbs[w] || passiveHelpers[w] || notParticiples[w]:
		return ""
	case aux && len(w) > 5 && strings.HasSuffix(w, "ing"):
		return w
	case isParticiple(w) || irregularPast[w]:
		return w
	}
	return ""
}

// verbMetric is metricOf for the verb ev of a clause whose subject ends
// before toks[j]: people who "have recovered" got well; bodies are
// recovered by someone else ("rescuers recovered 18 bodies").
func verbMetric(toks []token, j int, ev string) string {
	if ev == "recovered" {
		for k := j; k < len(toks) && k < j+3; k++ {
			if toks[k].low == "recovered" && k > 0 && (toks[k-1].low == "have" || toks[k-1].low == "has" || toks[k-1].low == "had") {
				return "recovered"
			}
		}
	}
	return metricOf(ev)
}

// isPeopleNoun reports a noun counting people or a force: "refugees",
// "soldiers", "Syrians".
func isPeopleNoun(t token) bool {
	if t.kind != tkWord {
		return false
	}
	n, ok := nouns[t.low]
	return ok && (n.cat == catPeople || n.cat == catForce) || isDemonymPlural(t)
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
			if m, ok := cues[t.low]; ok && t.kind == tkWord && !(weakCues[t.low] && d > 0) {
				return m
			}
			// Another verb in the past tense starts another predicate:
			// "twenty gunmen attacked the village and killed 5".
			right = t.kind != tkNum && t.low != ";" &&
				!(len(t.low) > 4 && strings.HasSuffix(t.low, "ed") && !passiveHelpers[t.low])
		}
		if j := from - 1 - d; left && j >= 0 {
			t := toks[j]
			if m, ok := cues[t.low]; ok && t.kind == tkWord && !(weakCues[t.low] && d > 1) {
				return m
			}
			// Nor does it cross, leftwards, the word that opens the
			// figure's clause: in "people were stranded on the island,
			// where 2,000 refugees arrived" the refugees were not stranded.
			left = t.kind != tkNum && t.low != ";" && !clauseOpeners[t.low]
		}
	}
	return ""
}

// clauseOpeners start a subordinate clause whose subject is a figure:
// the verbs before them are another clause's.
var clauseOpeners = map[string]bool{"where": true, "while": true, "whereas": true, "although": true, "but": true}

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

// Normalize lower-cases s and keeps its words, dropping punctuation and a
// leading article: "the Hamas militants" → "hamas militants".
func Normalize(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-'
	})
	if len(words) > 0 && (words[0] == "the" || words[0] == "a" || words[0] == "an") {
		words = words[1:]
	}
	return strings.Join(words, " ")
}
