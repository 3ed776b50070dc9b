package extract

import "strings"

// findAttributions returns the sources a sentence names: "according to X",
// "X said", "…, X said", "…,” said X". Pronoun subjects come back marked for
// resolution against earlier sentences.
func findAttributions(text string, toks []token) []attribution {
	var attrs []attribution
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tkWord {
			continue
		}
		if t.low == "according" && i+1 < len(toks) && toks[i+1].low == "to" {
			if a, ok := accordingTo(text, toks, i); ok {
				attrs = append(attrs, a)
			}
			i++
			continue
		}
		if !speechVerbs[t.low] && !revisesCount(toks, i) {
			continue
		}
		if nounLikeVerbs[t.low] && !(i+1 < len(toks) && (toks[i+1].low == "that" || startsFigure(toks, i+1))) {
			continue // "UN estimates made public", "reports of 151 deaths"
		}
		if i+2 < len(toks) && startsFigure(toks, i+1) && livesAfter(toks, i+1) {
			continue // "the epidemic claims 31 lives" kills; it does not speak
		}
		if i > 0 && (determiners[toks[i-1].low] || toks[i-1].low == "is" || toks[i-1].low == "was" || toks[i-1].low == "were" || toks[i-1].low == "are" || toks[i-1].low == "been") {
			continue // "an estimated 5,000", "it was reported"
		}
		if a, ok := inverted(text, toks, i); ok {
			attrs = append(attrs, a)
			continue
		}
		if a, ok := subjectBefore(text, toks, i); ok {
			attrs = append(attrs, a)
		}
	}
	return attrs
}

// revisionVerbs change a count a source gave: the subject of "raised its
// toll to 432" or "revised it to 247" is who gives the new figure.
var revisionVerbs = map[string]bool{
	"raised": true, "revised": true, "lowered": true, "updated": true, "increased": true, "corrected": true,
	"raises": true, "revises": true, "lowers": true, "updates": true, "increases": true,
}

// revisesCount reports a revision verb at toks[v] whose object is a
// count: "raised its toll to", "revised it to", "lowered the number of
// dead to".
func revisesCount(toks []token, v int) bool {
	if !revisionVerbs[toks[v].low] {
		return false
	}
	count := false
	for k := v + 1; k < len(toks) && k < v+8; k++ {
		w := toks[k].low
		switch {
		case w == "toll" || w == "it" || valueNouns[w] || collectiveNouns[w] != "" || countNouns[w] != "":
			count = true
		case (w == "to" || w == "at") && count:
			return true
		case toks[k].kind != tkWord:
			return false
		}
	}
	return false
}

// livesAfter reports "N lives" from toks[i]: "claims 31 lives".
func livesAfter(toks []token, i int) bool {
	for k := i; k < len(toks) && k < i+4; k++ {
		if toks[k].low == "lives" {
			return true
		}
	}
	return false
}

// startsFigure reports a number or a hedge at toks[i].
func startsFigure(toks []token, i int) bool {
	t := toks[i]
	if t.kind == tkNum || t.kind == tkWord && startsAmount(toks, i) {
		return true
	}
	for _, p := range qualifierPhrases {
		if t.low == p.words[0] {
			return true
		}
	}
	return false
}

// accordingTo reads the source after "according to" up to the end of its
// noun phrase. "According to UN estimates" names the UN, "according to
// Khalfa's assessment" names Khalfa.
func accordingTo(text string, toks []token, i int) (attribution, bool) {
	from := i + 2
	for from < len(toks) && determiners[toks[from].low] {
		from++
	}
	// "according to figures from the ministry": the source follows.
	if from+1 < len(toks) && reportNouns[toks[from].low] {
		switch toks[from+1].low {
		case "from", "by", "of", "released", "published", "compiled", "issued":
			from += 2
			for from < len(toks) && (determiners[toks[from].low] || toks[from].low == "by") {
				from++
			}
		}
	}
	to := from
	for to < len(toks) && to < from+10 {
		t := toks[to]
		if t.kind != tkWord || clauseWords[t.low] || t.low == "and" || t.low == "in" || t.low == "on" ||
			t.low == "made" || t.low == "published" || t.low == "released" || t.low == "cited" || t.low == "as" {
			break
		}
		if reportNouns[t.low] && to > from {
			break
		}
		to++
		if strings.HasSuffix(t.low, "'s") || strings.HasSuffix(t.low, "\u2019s") {
			break // "Khalfa's informed assessment" names Khalfa
		}
	}
	return makeAttribution(text, toks, i, from, to)
}

// inverted reads "…,” said X" and "…, said the ministry": the speaker
// follows the verb after a quotation or a comma.
func inverted(text string, toks []token, v int) (attribution, bool) {
	if v == 0 || v+1 >= len(toks) {
		return attribution{}, false
	}
	p := toks[v-1].low
	afterQuote := isQuote(p) || p == "," && v >= 2 && isQuote(toks[v-2].low)
	if !afterQuote && p != "," {
		return attribution{}, false
	}
	from := v + 1
	if pronouns[toks[from].low] {
		return attribution{at: v, pronoun: toks[from].low}, true
	}
	first := toks[from]
	if first.kind != tkWord || !(first.cap || determiners[first.low]) {
		return attribution{}, false
	}
	to := from
	for to < len(toks) && to < from+8 && toks[to].kind == tkWord {
		if finiteVerbs[toks[to].low] || clauseWords[toks[to].low] {
			return attribution{}, false // "said the figure was" is not a speaker
		}
		to++
	}
	if !afterQuote && to < len(toks) && toks[to].low != "," && toks[to].low != "." {
		return attribution{}, false
	}
	return makeAttribution(text, toks, v, from, to)
}

// subjectBefore reads the subject of a speech verb from the words before it,
// skipping adverbial openers ("On Wednesday, …"), parenthetical dashes
// ("an officer – who requested anonymity – told") and choosing the name
// over its appositive ("Zeid Ra'ad al-Hussein, the UN High Commissioner, said").
func subjectBefore(text string, toks []token, v int) (attribution, bool) {
	// "the Palestine Center for Human Rights, which said …": the speaker is
	// the noun phrase the relative clause hangs on.
	if v >= 3 && (toks[v-1].low == "which" || toks[v-1].low == "who") && toks[v-2].low == "," {
		if from := antecedent(toks, v-2); from < v-2 {
			return makeAttribution(text, toks, v, from, v-2)
		}
		return attribution{}, false
	}
	b := v
	for b > 0 && toks[b-1].kind == tkWord && subjectAdverbs[toks[b-1].low] {
		b--
	}
	if b == 0 {
		return attribution{}, false
	}
	// Walk left to the start of the clause, noting comma-separated parts
	// and dropping dash- or bracket-enclosed asides.
	var parts []phrase
	end := b
	a := b
	skip := func(k int) { // close the current part at k
		if end > k {
			parts = append(parts, phrase{k, end})
		}
	}
walk:
	for a > 0 && a > v-sourceReach {
		t := toks[a-1]
		if t.kind == tkWord {
			if clauseWords[t.low] && !isAcronym(text, t) { // "the WHO said"
				break
			}
			// ", and X said": X is the subject of a new clause.
			if (t.low == "and" || t.low == "but") && a >= 2 && toks[a-2].low == "," {
				break
			}
			a--
			continue
		}
		switch t.low {
		case ",":
			skip(a)
			a--
			end = a
		case "\u2013", "\u2014", "-", ")":
			open := "("
			if t.low != ")" {
				open = t.low
			}
			m := a - 2
			for m >= 0 && toks[m].low != open && !isQuote(toks[m].low) {
				m--
			}
			if m < 0 || toks[m].low != open {
				break walk
			}
			skip(a)
			a = m
			end = a
		default:
			break walk
		}
	}
	skip(a)
	// "…, and officials warned", "while aid groups said": the speaker
	// opens a clause of its own and speaks for what follows, not for the
	// figures before.
	forward := a > 0 && (toks[a-1].low == "while" || toks[a-1].low == "whereas" || toks[a-1].low == "although" ||
		(toks[a-1].low == "and" || toks[a-1].low == "but") && a >= 2 && toks[a-2].low == ",")
	// parts are right to left; drop adverbial phrases and clauses.
	var keep []phrase
	for _, p := range parts {
		if isAdverbial(toks, p) {
			continue
		}
		keep = append(keep, p)
	}
	if len(keep) == 0 && len(parts) > 0 && openers[toks[parts[0].from].low] {
		// "By Wednesday the department had revised it", "On Tuesday the
		// ministry said": an opener without its comma, then the subject
		// from its article.
		p := parts[0]
		switch toks[p.from].low {
		case "earlier", "later", "meanwhile", "separately", "now", "then", "still", "also":
			// "Earlier reports had put …": a one-word adverb, then the subject.
			if p.to-p.from >= 2 && p.to-p.from <= 6 && toks[p.from+1].kind == tkWord && !finiteVerbs[toks[p.from+1].low] {
				keep = append(keep, phrase{p.from + 1, p.to})
			}
		}
		for k := p.to - 2; len(keep) == 0 && k > p.from; k-- {
			if toks[k].kind != tkWord || finiteVerbs[toks[k].low] {
				break
			}
			if toks[k].low == "the" {
				keep = append(keep, phrase{k, p.to})
				break
			}
		}
	}
	if len(keep) == 0 {
		return attribution{}, false
	}
	subj := keep[0]
	if len(keep) > 1 && determiners[toks[subj.from].low] && !toks[subj.from].cap && isName(toks, keep[1]) {
		subj = keep[1] // the name, not its appositive
	}
	// A pronoun subject, or a possessive one ("his office confirmed").
	if n := subj.to - subj.from; n == 1 && pronouns[toks[subj.from].low] ||
		n <= 3 && isPossessivePronoun(toks[subj.from].low) {
		return attribution{at: v, pronoun: toks[subj.from].low, forward: forward}, true
	}
	// "Late on Tuesday he said": an opener without its comma, then the
	// pronoun that is the subject.
	if last := toks[subj.to-1].low; subj.to-subj.from > 1 && pronouns[last] {
		return attribution{at: v, pronoun: last, forward: forward}, true
	}
	at, ok := makeAttribution(text, toks, v, subj.from, subj.to)
	at.forward = forward
	return at, ok
}

// isAcronym reports a word written in capitals ("WHO", "UN"): a name,
// even when its letters spell a function word.
func isAcronym(text string, t token) bool {
	w := text[t.start:t.end]
	return len(w) > 1 && strings.ToUpper(w) == w && strings.ToLower(w) != w
}

// antecedent returns where the noun phrase ending before toks[end] starts:
// a name ("the Palestine Center for Human Rights", "the Defense Ministry")
// or a short common noun phrase ("the ministry"). It returns end when there
// is none.
func antecedent(toks []token, end int) int {
	from := end
	for from > 0 && end-from < 8 {
		t := toks[from-1]
		if t.kind != tkWord {
			break
		}
		if t.cap || nameJoiners[t.low] && from-2 >= 0 && toks[from-2].cap {
			from--
			continue
		}
		break
	}
	for from < end && nameJoiners[toks[from].low] {
		from++
	}
	if from < end {
		return from
	}
	// A common noun phrase back to its article: "the ministry".
	for k := end - 1; k >= 0 && k >= end-4; k-- {
		t := toks[k]
		if t.kind != tkWord || clauseWords[t.low] || stopWords[t.low] && !determiners[t.low] {
			break
		}
		if determiners[t.low] {
			if k+1 < end {
				return k + 1
			}
			break
		}
	}
	return end
}

// nameJoiners are the lower-case words inside names of bodies: "Center for
// Human Rights", "University of Hong Kong".
var nameJoiners = map[string]bool{"of": true, "for": true, "and": true, "on": true, "the": true, "de": true}

// isAdverbial reports a comma part that cannot be a subject: an opener
// ("On Wednesday", "While the numbers are hard to verify"), or a clause with
// a figure or a finite verb in it.
func isAdverbial(toks []token, p phrase) bool {
	if openers[toks[p.from].low] {
		return true
	}
	for k := p.from; k < p.to; k++ {
		t := toks[k]
		if t.kind == tkNum || finiteVerbs[t.low] || t.kind == tkPunct && isQuote(t.low) {
			return true
		}
	}
	return p.to-p.from > 12
}

// isName reports a short run of capitalised words, allowing the lower-case
// particles of Arabic, Dutch or French names ("al-Hussein", "van", "de").
func isName(toks []token, p phrase) bool {
	if p.to-p.from > 6 {
		return false
	}
	for k := p.from; k < p.to; k++ {
		t := toks[k]
		if t.kind != tkWord {
			return false
		}
		if t.cap || strings.HasPrefix(t.low, "al-") || strings.HasPrefix(t.low, "el-") {
			continue
		}
		switch t.low {
		case "al", "bin", "ibn", "abu", "van", "von", "de", "da", "del", "la", "le", "der", "ben":
			continue
		}
		if nameJoiners[t.low] && k > p.from && k+1 < p.to && toks[k+1].cap {
			continue // "University of Hong Kong"
		}
		return false
	}
	return true
}

func isPossessivePronoun(w string) bool {
	switch w {
	case "his", "her", "its", "their", "our":
		return true
	}
	return false
}

// makeAttribution trims the phrase toks[from:to] into a source: leading
// articles, a trailing possessive "'s", surrounding punctuation.
func makeAttribution(text string, toks []token, at, from, to int) (attribution, bool) {
	for from < to && (determiners[toks[from].low] || subjectAdverbs[toks[from].low]) {
		from++
	}
	// "a report by Airwars" is Airwars' report.
	if from+2 < to && reportNouns[toks[from].low] && (toks[from+1].low == "by" || toks[from+1].low == "from") {
		from += 2
		for from < to && determiners[toks[from].low] {
			from++
		}
	}
	for to > from && toks[to-1].kind == tkWord && subjectAdverbs[toks[to-1].low] {
		to--
	}
	// "The UN refugee agency on Friday reported": the day is not the name.
	if to-from > 2 && weekdayWords[toks[to-1].low] && (toks[to-2].low == "on" || toks[to-2].low == "last") {
		to -= 2
	}
	if from >= to || toks[from].kind != tkWord {
		return attribution{}, false
	}
	if to-from == 1 && pronouns[toks[from].low] {
		return attribution{at: at, pronoun: toks[from].low}, true
	}
	s := text[toks[from].start:toks[to-1].end]
	s = strings.TrimSuffix(strings.TrimSuffix(s, "'s"), "\u2019s")
	s = strings.TrimRight(s, ".,;:!?\"'\u201d\u2019 ")
	if s == "" {
		return attribution{}, false
	}
	_, place := LookupPlace(s)
	return attribution{at: at, text: s, place: place && toks[from].cap}, true
}

// properSubject returns the sentence's opening proper name when it is
// followed by a comma or a verb: "Abdullah, the resident of …, buried 13".
func properSubject(text string, toks []token) string {
	k := 0
	for k < len(toks) && k < 4 && toks[k].kind == tkWord && (toks[k].cap || strings.HasPrefix(toks[k].low, "al-")) {
		k++
	}
	if k == 0 || k >= len(toks) || toks[k].low != "," || monthWords[toks[0].low] || weekdayWords[toks[0].low] || openers[toks[0].low] || determiners[toks[0].low] {
		return ""
	}
	return text[toks[0].start:toks[k-1].end]
}

// leadPhrase returns the noun phrase that opens a sentence ("The ministry
// published …" → "ministry") and the token index after it, the antecedent an
// "it said" in this or the next sentence most likely points to.
func leadPhrase(text string, toks []token) (string, int) {
	k := 0
	if k < len(toks) && toks[k].low == "the" {
		k++
	}
	from := k
	for k < len(toks) && k < from+5 {
		t := toks[k]
		if t.kind != tkWord || pronouns[t.low] || finiteVerbs[t.low] || speechVerbs[t.low] || clauseWords[t.low] || stopWords[t.low] && t.low != "of" {
			break
		}
		if k > from && len(t.low) > 4 && strings.HasSuffix(t.low, "ed") {
			break // the verb: "published", "reported"
		}
		if k > from && (weekdayWords[t.low] || t.low == "today" || t.low == "yesterday") {
			break // "The Palestinian center Thursday called …"
		}
		k++
	}
	if k == from || k >= len(toks) || toks[k].kind != tkWord || toks[k-1].low == "of" {
		return "", 0
	}
	first := toks[from]
	if from == 0 && (!first.cap || openers[first.low] || monthWords[first.low] || weekdayWords[first.low]) {
		return "", 0
	}
	return text[first.start:toks[k-1].end], k
}

// isFurniture reports page furniture lines such as "Read more: …".
func isFurniture(toks []token) bool {
	for k := 0; k < len(toks) && k < 3; k++ {
		if toks[k].kind != tkWord || !furniturePrefixes[toks[k].low] {
			return k > 0 && toks[k].low == ":"
		}
	}
	return false
}
