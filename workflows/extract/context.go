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
		if dist < 0 || d < dist {
			best, dist = p, d
		}
	}
	if dist < 0 {
		return ""
	}
	return text[toks[best.from].start:toks[best.to-1].end]
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

// places finds "in western Mosul", "across Syria", "near Raqqa": a
// preposition, an optional direction and capitalised words that are not
// dates.
func places(toks []token) []phrase {
	var ps []phrase
	for i := 0; i+1 < len(toks); i++ {
		if toks[i].kind != tkWord || !placePrepositions[toks[i].low] {
			continue
		}
		j := i + 1
		if directionWords[toks[j].low] && !toks[j].cap && j+1 < len(toks) {
			j++
		}
		k := j
		for k < len(toks) && k < j+4 && isPlaceWord(toks[k]) {
			k++
		}
		if k > j {
			ps = append(ps, phrase{i + 1, k})
			i = k - 1
		}
	}
	return ps
}

func isPlaceWord(t token) bool {
	if t.kind != tkWord || !t.cap {
		return false
	}
	w := strings.TrimSuffix(strings.TrimSuffix(t.low, "'s"), "\u2019s")
	return !monthWords[w] && !weekdayWords[w] && w != "i"
}
