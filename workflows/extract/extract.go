package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Windows, in tokens, within which words are taken to belong to a figure.
// They are deliberately short: in news prose the casualty verb of a count
// sits within a clause of it ("43 civilians were believed to have been
// killed"), while a longer reach starts borrowing verbs from other clauses.
const (
	nounReach   = 5  // figure → counted noun: "22,000 injured Mosul residents"
	cueReach    = 12 // counted noun ↔ casualty verb
	leftReach   = 12 // bare figure ← casualty noun: "fatalities … rose to 198"
	tollReach   = 16 // "the death toll from the earthquake that struck … has risen to 366"
	rateReach   = 8  // counted noun → "daily", "a month"
	strongReach = 10 // "1,000-strong" → "force"
	sourceReach = 25 // speech verb ← start of its subject
	backRefs    = 6  // sentences a pronoun may reach back for its source
)

// maxSentenceTokens bounds the tokens read as one sentence. News sentences
// run to a few dozen words; a "sentence" of thousands (a pasted table, a
// page with no full stops) is read in windows of this many tokens, each as
// a sentence of its own. Every rule looks within a sentence, so this bound
// is what keeps extraction time linear in the length of the text.
const maxSentenceTokens = 200

// candidate is a figure found in one sentence, before attribution.
// Figure.Max is set for a range.
type candidate struct {
	Figure
	at       int // token index of the number
	from, to int // token range of the whole figure phrase
}

// attribution is a source named in a sentence.
type attribution struct {
	at      int    // token index of the cue ("said", "according")
	text    string // as written, trimmed
	pronoun string // "he", "it", "his": text is resolved against earlier sources
	place   bool   // text is a place the gazetteer knows: "Sierra Leone recorded"
	forward bool   // opens its own clause (", and X said", "while X said"): not for figures before it
}

// sentenceResult holds what one sentence contributed.
type sentenceResult struct {
	span
	figs       []candidate
	attrs      []attribution
	startQuote bool   // the sentence opens a quotation
	subject    string // a proper-name subject, used for first-hand accounts
	lead       string // the opening noun phrase, a pronoun's likely antecedent
	leadEnd    int    // token index after lead
	semis      []int  // token indices of semicolons, which end a clause
}

// Extract finds the figure claims in plain article text, in order of first
// mention. The same figure from the same source for the same metric is
// reported once, with Mentions counting its repetitions.
func Extract(text string) []Figure {
	return extract(text, nil)
}

// Reading is what became of one number in a text: a figure, or why not.
type Reading struct {
	Number     string // as written
	Start, End int    // byte offsets of Number in the text
	Figure     bool
	Why        string // why it is not a figure; "" for a figure
}

// Explain reads text as Extract does and tells, for each number in it,
// whether it became a figure and, if not, why: a date, an age, a vague
// quantity, no counted thing… In order of the text.
func Explain(text string) []Reading {
	var out []Reading
	seen := map[int]int{}
	extract(text, func(start, end int, why string) {
		if k, ok := seen[start]; ok {
			if why == "" { // a later, better reading of the same number
				out[k].Figure, out[k].Why = true, ""
			}
			return
		}
		seen[start] = len(out)
		out = append(out, Reading{Number: text[start:end], Start: start, End: end, Figure: why == "", Why: why})
	})
	return out
}

func extract(text string, explain func(start, end int, why string)) []Figure {
	var (
		spans         = sentences(text, make([]span, 0, len(text)/80+1))
		toks          = make([]token, 0, 64)
		results       []sentenceResult
		out           []Figure
		index         = map[figureKey]int{}
		recent        []recentSource // sources already named, most recent last
		sentence      = 0
		previous      sentenceResult // the sentence before, across paragraphs
		inheritedMemo []memoSource
		sourced       = map[figureKey]int{} // the first attributed figure of each count
	)
	for p := 0; p < len(spans); {
		// One paragraph at a time: attribution may flow between its sentences.
		q := p
		for q < len(spans) && spans[q].para == spans[p].para {
			q++
		}
		results = results[:0]
		for _, sp := range spans[p:q] {
			for pos, first := sp.start, true; first || pos < sp.end; first = false {
				var window []token
				window, pos = tokenizeN(text, pos, sp.end, toks[:0], maxSentenceTokens)
				toks = window
				if !first && len(window) == 0 {
					break
				}
				var before *candidate
				if n := len(results); n > 0 && len(results[n-1].figs) > 0 {
					before = &results[n-1].figs[len(results[n-1].figs)-1]
				}
				var note noteFunc
				if explain != nil {
					note = func(i int, why string) { explain(window[i].start, window[i].end, why) }
				}
				results = append(results, analyse(text, sp, window, before, note))
			}
		}
		inheritedMemo = inheritedMemo[:0]
		for k := range results {
			r := &results[k]
			sentence++
			// Resolve this sentence's pronouns before it becomes the
			// antecedent of the next one.
			for a := range r.attrs {
				if r.attrs[a].pronoun != "" {
					r.attrs[a].text = resolve(r, &r.attrs[a], &previous, recent, sentence)
				}
			}
			for _, c := range r.figs {
				src := nearest(r.attrs, c.at, r.semis)
				if src == "" {
					src = inherited(results, k, &inheritedMemo)
				}
				if src == "" && r.subject != "" {
					src = firstHand(recent, r.subject)
				}
				src = fullName(src, recent)
				f := c.Figure
				if f.Place == "" {
					f.Place = placeSpeaking(r.attrs, src)
				}
				f.Source = src
				f.Sentence = text[r.start:r.end]
				f.Start, f.End = r.start, r.end
				f.VagueSource = isVague(src)
				key := figureKey{f.Value, f.Max, f.Metric, strings.ToLower(src)}
				if i, ok := index[key]; ok {
					out[i].Mentions++
					continue
				}
				// A headline repeated in the page: the same count, once
				// without a source (the headline's voice) and once with
				// one, is one claim, the attributed mention's.
				bare := figureKey{f.Value, f.Max, f.Metric, ""}
				if i, ok := index[bare]; ok && src != "" && sameWho(out[i].Who, f.Who) {
					f.Mentions = out[i].Mentions + 1
					out[i] = f
					index[key] = i
					continue
				}
				if src == "" {
					if i, ok := sourced[figureKey{f.Value, f.Max, f.Metric, ""}]; ok && sameWho(out[i].Who, f.Who) {
						out[i].Mentions++
						continue
					}
				} else if _, ok := sourced[bare]; !ok {
					sourced[bare] = len(out)
				}
				f.Mentions = 1
				index[key] = len(out)
				out = append(out, f)
			}
			for _, a := range r.attrs {
				if a.text != "" {
					recent = append(recent, recentSource{a.text, sentence})
				}
			}
			if len(recent) > 32 {
				recent = append(recent[:0], recent[len(recent)-16:]...)
			}
			previous = *r
		}
		p = q
	}
	markRevisions(out)
	return out
}

// sameWho reports whether two figures count the same people or things, one
// of them perhaps without saying.
func sameWho(a, b string) bool {
	a, b = Normalize(a), Normalize(b)
	return a == b || a == "" || b == "" || a == "people" || b == "people"
}

// revisionWords say that a source changed a figure it gave before.
var revisionWords = map[string]bool{
	"revised": true, "raised": true, "lowered": true, "updated": true, "corrected": true,
	"rose": true, "risen": true, "climbed": true, "increased": true, "now": true, "latest": true,
	"jumped": true, "fell": true, "dropped": true, "cut": true,
}

// markRevisions finds a source revising its own figure: a later figure from
// the same source for the same count, in a sentence that says it changed
// ("the ministry later raised its toll to 45"). The later one is current
// and records the earlier value in Revises; the earlier gets RevisedTo.
// They are a revision, not a dispute.
func markRevisions(figs []Figure) {
	type topic struct{ source, metric, who string }
	last := map[topic]int{}   // the latest figure of each source's count
	revised := map[int]bool{} // by sentence start: does it say a figure changed?
	for j := range figs {
		g := &figs[j]
		if g.Source == "" {
			continue
		}
		k := topic{strings.ToLower(g.Source), g.Metric, Normalize(g.Who)}
		i, seen := last[k]
		if seen && figs[i].Start == g.Start {
			continue // "rose to 366, up from 279": the sentence's first figure is its current one
		}
		last[k] = j
		if !seen {
			continue
		}
		says, ok := revised[g.Start]
		if !ok {
			says = saysRevised(g.Sentence)
			revised[g.Start] = says
		}
		e := &figs[i]
		if says && e.Value != g.Value && e.Start != g.Start && e.RevisedTo == 0 {
			g.Revises, e.RevisedTo = e.Value, g.Value
		}
	}
}

func saysRevised(sentence string) bool {
	for _, w := range strings.Fields(strings.ToLower(sentence)) {
		if revisionWords[strings.Trim(w, ".,;:\"'\u201c\u201d")] {
			return true
		}
	}
	return false
}

// vagueHeads are sources that name nobody in particular.
var vagueHeads = map[string]bool{
	"officials": true, "sources": true, "witnesses": true, "reports": true, "residents": true,
	"activists": true, "media": true, "people": true, "authorities": true, "observers": true,
	"analysts": true, "locals": true, "rescuers": true, "medics": true, "doctors": true,
	"source": true, "official": true, "witness": true, "report": true, "diplomats": true,
}

// isVague reports a source a reader cannot hold to account by name: "some
// reports", "officials", "witnesses", "local officials", "Iraqi officials".
func isVague(src string) bool {
	ws := strings.Fields(src)
	if len(ws) == 0 || len(ws) > 4 {
		return false
	}
	if !vagueHeads[strings.ToLower(strings.Trim(ws[len(ws)-1], ".,"))] {
		return false
	}
	for _, w := range ws[1:] {
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
			return false // "Health Ministry officials" name a body
		}
	}
	return true
}

// analyse reads one sentence (or one window of a long one).
func analyse(text string, sp span, toks []token, before *candidate, note noteFunc) sentenceResult {
	r := sentenceResult{span: sp}
	if isFurniture(toks) {
		return r
	}
	r.figs = findFigures(text, toks, before, note)
	r.attrs = findAttributions(text, toks)
	for k, t := range toks {
		if t.low == ";" && len(r.attrs) > 1 {
			r.semis = append(r.semis, k)
		}
	}
	if len(toks) > 0 && toks[0].kind == tkPunct && isOpenQuote(toks[0].low) {
		r.startQuote = true
	}
	r.subject = properSubject(text, toks)
	r.lead, r.leadEnd = leadPhrase(text, toks)
	return r
}

type figureKey struct {
	value, max float64
	metric     string
	source     string
}

type recentSource struct {
	text     string
	sentence int
}

// nearest returns the attribution closest to token at, or "". A place
// that "recorded" or "reported" a count gives way to a body that said
// so: in "Sierra Leone recorded 1,026 cases, the WHO said" the WHO is the
// source and Sierra Leone where the cases are.
//
// A speaker across a semicolon from the figure is another clause's when
// one in the figure's own clause speaks; a speaker opening a clause after
// the figure ("…, and officials warned") is never the figure's.
func nearest(attrs []attribution, at int, semis []int) string {
	segment := func(k int) int {
		n := 0
		for _, s := range semis {
			if s < k {
				n++
			}
		}
		return n
	}
	eligible := func(a attribution) bool { return a.text != "" && !(a.forward && at < a.at) }
	others, sameClause := false, false
	for _, a := range attrs {
		if eligible(a) {
			others = others || !a.place
			sameClause = sameClause || segment(a.at) == segment(at)
		}
	}
	best, dist := "", -1
	for _, a := range attrs {
		if !eligible(a) || a.place && others || sameClause && segment(a.at) != segment(at) {
			continue
		}
		d := a.at - at
		if d < 0 {
			d = -d
		}
		if dist < 0 || d < dist {
			best, dist = a.text, d
		}
	}
	return best
}

// placeSpeaking returns a place that is a subject of the sentence but not
// the figure's source ("Sierra Leone recorded …, the WHO said"), or "".
func placeSpeaking(attrs []attribution, src string) string {
	for _, a := range attrs {
		if a.place && a.text != src {
			return a.text
		}
	}
	return ""
}

// inherited finds the source of an unattributed sentence from its
// paragraph: reporters attribute once and let the following sentences of the
// paragraph (or the rest of a quotation) lean on it. A quotation that opens
// here and is attributed in the next sentence takes that attribution.
//
// memo holds the answers already given for this paragraph, so that a long
// chain of unattributed sentences is walked once, not once per sentence.
func inherited(par []sentenceResult, k int, memo *[]memoSource) string {
	for len(*memo) < len(par) {
		*memo = append(*memo, memoSource{})
	}
	if m := (*memo)[k]; m.done {
		return m.text
	}
	src := ""
	if k > 0 {
		if s := lastText(par[k-1].attrs); s != "" {
			src = s
		} else if len(par[k-1].attrs) == 0 && len(par[k-1].figs) > 0 {
			// Keep following a chain of unattributed figure sentences back
			// to where the paragraph named its source.
			src = inherited(par, k-1, memo)
		}
	}
	if src == "" && par[k].startQuote && k+1 < len(par) {
		src = lastText(par[k+1].attrs)
	}
	(*memo)[k] = memoSource{src, true}
	return src
}

type memoSource struct {
	text string
	done bool
}

func lastText(attrs []attribution) string {
	for i := len(attrs) - 1; i >= 0; i-- {
		if attrs[i].text != "" {
			return attrs[i].text
		}
	}
	return ""
}

// resolve finds the antecedent of a pronoun source. The previous sentence's
// source comes first ("X said …. He said …"); an organisation referred to as
// "it" or "they" may instead be the subject of this or the previous sentence
// ("The coalition carried out 58 strikes, it said"); failing both, the most
// recent source within a few sentences. It returns "" when nothing fits.
func resolve(r *sentenceResult, a *attribution, previous *sentenceResult, recent []recentSource, sentence int) string {
	if s := lastText(previous.attrs); s != "" {
		return s
	}
	switch a.pronoun {
	case "it", "they", "its", "their":
		if r.lead != "" && r.leadEnd <= a.at {
			return r.lead
		}
		if previous.lead != "" {
			return previous.lead
		}
	}
	if n := len(recent); n > 0 && sentence-recent[n-1].sentence <= backRefs {
		return recent[n-1].text
	}
	return ""
}

// fullName expands a short second reference to a source named in full
// before: after "the disaster agency said", "the agency" is the same
// body, and its figures are that body's (so that its revisions are seen
// as revisions). Only a common noun phrase is expanded, never a name.
func fullName(src string, recent []recentSource) string {
	if src == "" || strings.Count(src, " ") > 2 {
		return src
	}
	if r, _ := utf8.DecodeRuneInString(src); !unicode.IsLower(r) {
		return shortName(src, recent)
	}
	tail := " " + strings.ToLower(src)
	for i := len(recent) - 1; i >= 0; i-- {
		if full := recent[i].text; len(full) > len(tail) && strings.HasSuffix(strings.ToLower(full), tail) {
			return full
		}
	}
	return src
}

// shortName expands a one-word name to the longer name of a body given
// before that contains it, not as its last word: "the Observatory" after
// "the Syrian Observatory for Human Rights". A person's surname stays as
// written.
func shortName(src string, recent []recentSource) string {
	if src == "" || strings.ContainsAny(src, " \t") {
		return src
	}
	for i := len(recent) - 1; i >= 0; i-- {
		full := recent[i].text
		if !strings.Contains(full, " ") {
			continue
		}
		ws := strings.Fields(full)
		for _, w := range ws[:len(ws)-1] {
			if w == src {
				return full // not the last word: "Saad" after "Bashir Saad" is a person, as written
			}
		}
	}
	return src
}

// firstHand attributes a figure to a person already quoted in the article
// when the sentence is about them ("Abdullah, a resident, buried 13 members
// of his family"): reporters relay a witness's own account without repeating
// "said".
func firstHand(recent []recentSource, subject string) string {
	last := lastWord(subject)
	for i := len(recent) - 1; i >= 0; i-- {
		if strings.EqualFold(lastWord(recent[i].text), last) {
			return subject
		}
	}
	return ""
}

func lastWord(s string) string {
	if i := strings.LastIndexAny(s, " \t"); i >= 0 {
		return s[i+1:]
	}
	return s
}

func isOpenQuote(s string) bool {
	return s == "\"" || s == "\u201c" || s == "\u2018" || s == "\u00ab"
}
