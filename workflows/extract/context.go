package extract

import "strings"

// phrase is a token range [from, to) of a sentence.
type phrase struct{ from, to int }

// nearestPhrase returns the text of the phrase closest to the figure at
// token at, ignoring phrases inside the figure itself [from, to).
func nearestPhrase(text string, toks []token, ps []phrase, at, from, to int) string {
	best, dist := phrase{}, -1
	for _, p := range ps {
		if p.from < to && p.to > from {
			continue
		}
		if announced(toks, p) {
			continue
		}
		d := p.from - at
		if p.to <= at {
			d = at - p.to
		}
		if d > phraseReach || d > 6 && clauseBetween(toks, p, from, to) {
			continue // another clause's place or time
		}
		if dist < 0 || d < dist {
			best, dist = p, d
		}
	}
	if dist < 0 {
		return ""
	}
	return text[toks[best.from].start:toks[best.to-1].end]
}

// phraseReach is how far, in tokens, a place or a time phrase may stand
// from the figure it belongs to; beyond a few tokens, it must also be in
// the figure's clause.
const phraseReach = 25

// clauseBetween reports a relative or subordinate clause starting between
// the figure [from, to) and the phrase p: "350 relief workers, some from
// units that joined the search after U.S. embassies in Africa were bombed"
// does not place the workers in Africa.
func clauseBetween(toks []token, p phrase, from, to int) bool {
	a, b := to, p.from
	if p.to <= from {
		a, b = p.to, from
	}
	for k := a; k < b; k++ {
		switch toks[k].low {
		case "that", "which", "who", "whom", "after", "when", "while", "because", "although", ";", "whether", "where":
			return true
		}
	}
	return false
}

// announced reports a time phrase that says when something was said or
// published, not what a figure covers: "said Thursday", "released last
// week", "given on Wednesday", "Thursday disputed".
func announced(toks []token, p phrase) bool {
	if p.from > 0 {
		w := toks[p.from-1].low
		if speechVerbs[w] || publishVerbs[w] {
			return true
		}
	}
	if p.to < len(toks) && (speechVerbs[toks[p.to].low] || publishVerbs[toks[p.to].low]) {
		return true
	}
	return false
}

// IsEventPeriod reports a period that is one event ("in an attack", "in a
// single March 17 airstrike"): its toll is not a running total, and is
// compared only with tolls of an event.
func IsEventPeriod(p string) bool {
	ws := strings.Fields(strings.ToLower(p))
	if len(ws) < 3 || ws[0] != "in" {
		return false
	}
	switch ws[1] {
	case "a", "an", "one", "the":
	default:
		return false
	}
	for _, w := range ws[2:] {
		if eventNouns[strings.Trim(w, ".,;:")] {
			return true
		}
	}
	return false
}

// eventNouns name one event whose toll a figure may be: "in an attack".
var eventNouns = map[string]bool{
	"attack": true, "strike": true, "airstrike": true, "raid": true, "bombing": true,
	"blast": true, "explosion": true, "shelling": true, "ambush": true, "crash": true,
	"collision": true, "fire": true, "stampede": true, "shooting": true, "massacre": true,
}

var publishVerbs = map[string]bool{
	"released": true, "published": true, "given": true, "issued": true, "disputed": true,
	"updated": true, "posted": true, "public": true, "called": true,
}

// periods finds the time phrases of a sentence: "since mid-February",
// "in March", "during August", "between August 1 and 29", "from September
// 2014 through February", "last month", "on Thursday", "March 17".
func periods(toks []token) []phrase {
	var ps []phrase
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.kind != tkWord {
			continue
		}
		switch {
		case t.low == "in" && i+2 < len(toks) && (toks[i+1].low == "a" || toks[i+1].low == "an" || toks[i+1].low == "one" || toks[i+1].low == "the"):
			// "in an attack", "in a single air raid": the figure is one
			// event's toll, not a running total.
			k := i + 2
			for k < len(toks) && k < i+6 && toks[k].kind != tkPunct && !eventNouns[toks[k].low] {
				k++
			}
			if k < len(toks) && k < i+6 && eventNouns[toks[k].low] {
				ps = append(ps, phrase{i, k + 1})
				i = k
			}
		case t.low == "since":
			if end := dateAt(toks, i+1); end > i+1 {
				ps = append(ps, phrase{i, end})
				i = end - 1
			}
		case t.low == "between" || t.low == "from":
			end := dateAt(toks, i+1)
			if end == i+1 || end+1 >= len(toks) {
				continue
			}
			switch toks[end].low {
			case "and", "to", "through", "until", "till", "-", "\u2013":
				if end2 := dateAt(toks, end+1); end2 > end+1 {
					ps = append(ps, phrase{i, end2})
					i = end2 - 1
				} else if toks[end+1].kind == tkNum && toks[end+1].suffix == "" {
					ps = append(ps, phrase{i, end + 2}) // "between August 1 and 29"
					i = end + 1
				}
			}
		case t.low == "in" || t.low == "during" || t.low == "on" || t.low == "throughout" || t.low == "by" || t.low == "until" || t.low == "over":
			if end := dateAt(toks, i+1); end > i+1 {
				ps = append(ps, phrase{i, end})
				i = end - 1
			}
		case t.low == "last" || t.low == "this" || t.low == "past" || t.low == "previous":
			if i+1 < len(toks) && (relativeTimeWords[toks[i+1].low] || weekdayWords[toks[i+1].low]) {
				ps = append(ps, phrase{i, i + 2})
				i++
			}
		case t.cap && (monthWords[t.low] || weekdayWords[t.low]):
			end := dateAt(toks, i)
			ps = append(ps, phrase{i, end})
			i = end - 1
		case len(t.low) > 4 && t.low[:4] == "mid-":
			ps = append(ps, phrase{i, i + 1})
		}
	}
	return ps
}

// dateAt returns the end of a date starting at toks[i] ("March", "March 17",
// "March 17, 2017", "September 2014", "2014", "mid-February", "Thursday"), or
// i when there is none.
func dateAt(toks []token, i int) int {
	if i >= len(toks) {
		return i
	}
	t := toks[i]
	switch {
	case t.kind == tkWord && t.cap && weekdayWords[t.low]:
		return i + 1
	case t.kind == tkWord && len(t.low) > 4 && t.low[:4] == "mid-":
		return i + 1
	case t.kind == tkWord && (t.low == "early" || t.low == "late") && i+1 < len(toks) && toks[i+1].cap && monthWords[toks[i+1].low]:
		return dateAt(toks, i+1)
	case t.kind == tkNum && isYear(t):
		return i + 1
	case t.kind == tkWord && t.cap && monthWords[t.low]:
		j := i + 1
		if j < len(toks) && toks[j].kind == tkNum && toks[j].suffix == "" && toks[j].num >= 1 && toks[j].num <= 31 {
			j++
			if j+1 < len(toks) && toks[j].low == "," && toks[j+1].kind == tkNum && isYear(toks[j+1]) {
				j += 2
			}
		} else if j < len(toks) && toks[j].kind == tkNum && isYear(toks[j]) {
			j++
		}
		return j
	}
	return i
}

func isYear(t token) bool {
	return t.kind == tkNum && t.suffix == "" && !t.grouped && t.num >= 1900 && t.num <= 2100 && t.num == float64(int(t.num))
}

// places finds the places a sentence names: runs of capitalised words the
// gazetteer knows ("Mosul", "South Korea", "the Gaza Strip", "Gyeonggi
// Province", "HONG KONG"), with a compass word before them ("western
// Mosul"). A run the gazetteer knows only in part is the name of something
// else ("Istanbul Technical University", "Palestine Center for Human
// Rights", "Victoria Park") and is not a place.
//
// actors reports a known place that is the subject of a verb ("Sierra Leone
// recorded 40 cases"): not where a figure was counted, but a reason not to
// carry the place of the sentence before.
func places(text string, toks []token) (ps []phrase, actors bool) {
	for i := 0; i < len(toks); i++ {
		if !isPlaceWord(toks[i]) {
			continue
		}
		end := i
		for end < len(toks) && end < i+5 && isPlaceWord(toks[end]) {
			end++
		}
		// "Central district", "Al-Jadida neighborhood": a kind of place
		// in lower case completes the name.
		if end < len(toks) && toks[end].kind == tkWord && placeKinds[toks[end].low] {
			end++
			// "the Greek island of Lesbos", "Kahramanmaras province's
			// town of Elbistan": the place is the name after "of".
			if end+1 < len(toks) && toks[end].low == "of" && isPlaceWord(toks[end+1]) {
				i = end - 1
				continue
			}
		}
		_, known := LookupPlace(text[toks[i].start:toks[end-1].end])
		// A name the gazetteer lacks (a small town, a camp) is still a
		// place after "in", "near" or "across" when it is the whole name.
		afterPreposition := i > 0 && placePrepositions[toks[i-1].low] ||
			i > 1 && directionWords[toks[i-1].low] && placePrepositions[toks[i-2].low] ||
			i > 1 && toks[i-1].low == "of" && placeKinds[toks[i-2].low] // "the island of Lesbos"
		isActor := actor(toks, i, end)
		actors = actors || known && isActor
		if (known || afterPreposition && !partlyKnown(text, toks, i, end)) && !isActor {
			from := i
			if from > 0 && directionWords[toks[from-1].low] {
				from--
			}
			ps = append(ps, phrase{from, end})
		}
		i = end - 1
	}
	return ps, actors
}

// partlyKnown reports a run of names the gazetteer knows only the start
// or end of: "Istanbul Technical University" names a university.
func partlyKnown(text string, toks []token, from, end int) bool {
	for k := from + 1; k < end; k++ {
		if _, ok := LookupPlace(text[toks[from].start:toks[k-1].end]); ok {
			return true
		}
		if _, ok := LookupPlace(text[toks[k].start:toks[end-1].end]); ok {
			return true
		}
	}
	return false
}

// actor reports a place name that acts, as the subject of a verb: "South
// Korea reported", "Israel wrongly classified", "Israel, which dispatched".
// It names who did something, not where the count happened.
func actor(toks []token, from, end int) bool {
	if from > 0 && toks[from-1].low == "from" {
		return true // where they came from: "70 from the United States"
	}
	if from > 1 && toks[from-1].low == "the" && toks[from-2].low == "from" {
		return true
	}
	if from > 0 && (placePrepositions[toks[from-1].low] || toks[from-1].low == "of" || directionWords[toks[from-1].low]) {
		return false
	}
	k := end
	if k < len(toks) && toks[k].low == "," && k+1 < len(toks) && toks[k+1].low == "which" {
		return true
	}
	for k < len(toks) && toks[k].kind == tkWord && strings.HasSuffix(toks[k].low, "ly") {
		k++
	}
	if k >= len(toks) || toks[k].kind != tkWord {
		return false
	}
	w := toks[k].low
	return speechVerbs[w] || finiteVerbs[w] || isParticiple(w) || irregularPast[w]
}

func isPlaceWord(t token) bool {
	if t.kind != tkWord || t.low == "the" {
		return false
	}
	if !t.cap && !(len(t.low) > 3 && (strings.HasPrefix(t.low, "al-") || strings.HasPrefix(t.low, "el-") || strings.HasPrefix(t.low, "ar-"))) {
		return false
	}
	w := strings.TrimSuffix(strings.TrimSuffix(t.low, "'s"), "\u2019s")
	// "In Glasgow, …": a capitalised opener is not part of the name.
	return !monthWords[w] && !weekdayWords[w] && w != "i" && !placePrepositions[w] && !openers[w]
}
