package ingest

import (
	"fmt"
	"math"
	"strings"
	"unicode"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/extract"
)

// Match is the open claim a figure belongs to, with why.
type Match struct {
	Claim *workflows.Claim
	// Why names the shared topic: "killed · civilians · Mosul".
	Why   string
	score int
}

// Explain renders "matched #12: killed · civilians · Mosul".
func (m Match) Explain() string {
	return fmt.Sprintf("matched %s: %s", m.Claim.Ref(), m.Why)
}

// Find picks the open claim f should be attached to, or nil. doc is where
// f was read.
//
// A claim that already has evidence from the same document is matched only
// when that evidence comes from another source and the two count the same
// thing: one article reporting that police counted 8,000 marchers and
// organisers 50,000 is a discrepancy like any other. The same source
// stating two numbers in one article is never a dispute: it is a part and
// its whole, a day's toll and a total, or a revision (the extractor marks
// those, and ingest files only the current figure).
func Find(f extract.Figure, doc Document, open []workflows.Claim) *Match {
	var best *Match
	origin := workflows.NormalizeSource(Evidence(doc, f).Source)
	for i := range open {
		c := &open[i]
		if c.Decision != workflows.Pending && c.Decision != "" {
			continue
		}
		var score int
		var ok bool
		if same, sameOrigin := fromDocument(c, doc, origin, f.Source == ""); same {
			if sameOrigin {
				continue
			}
			score, ok = withinArticle(f, c)
		} else {
			score, ok = compatible(f, c)
		}
		if !ok {
			continue
		}
		if best == nil || score > best.score || score == best.score && closer(f.Value, c, best.Claim) {
			best = &Match{Claim: c, Why: topicWhy(c.Metric, c.Who, c.Place, c.Period), score: score}
		}
	}
	return best
}

// closer breaks a tie between two claims f fits equally well: the one
// whose figure is nearer f's in proportion ("1,483 civilians killed"
// belongs with 1,462, not with a count of 6 elsewhere), then the newer.
func closer(v float64, c, best *workflows.Claim) bool {
	dc, db := distance(v, c), distance(v, best)
	if dc != db {
		return dc < db
	}
	return c.ID > best.ID
}

// distance is |log(v/claim's figure)|, or +Inf for a claim without one.
func distance(v float64, c *workflows.Claim) float64 {
	if c.Figure == nil || c.Figure.Value <= 0 || v <= 0 {
		return math.Inf(1)
	}
	return math.Abs(math.Log(v / c.Figure.Value))
}

// alreadyFiled finds the open claim that already holds ev: the same
// sentence of the same document, with the same figure. A reporter who
// ingests an article twice, or keeps a figure again after a failure part
// way through keep, gets that claim back instead of a duplicate.
func alreadyFiled(ev workflows.EvidenceInput, open []workflows.Claim) *workflows.Claim {
	if ev.Document == "" {
		return nil
	}
	for i := range open {
		for _, e := range open[i].Evidence {
			if e.Document == ev.Document && e.Quote == ev.Quote && sameFigure(e.Figure, ev.Figure) {
				return &open[i]
			}
		}
	}
	return nil
}

func sameFigure(a, b *workflows.Figure) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Value == b.Value && a.Qualifier == b.Qualifier
}

// fromDocument reports whether c has evidence from doc and whether any of
// it comes from origin. What an article states in its own voice
// (unattributed) is the article restating its sources, so it counts as
// the same origin as all of them: an article does not dispute itself.
func fromDocument(c *workflows.Claim, doc Document, origin string, unattributed bool) (same, sameOrigin bool) {
	if doc.Name == "" {
		return false, false
	}
	for _, e := range c.Evidence {
		if e.Document == doc.Name {
			same = true
			if unattributed || e.Origin() == origin || e.Source == "" || e.Source == doc.Publication {
				sameOrigin = true
			}
		}
	}
	return same, sameOrigin
}

// withinArticle reports whether f and c, read in the same article, count
// the same thing: the same metric, the same people (or one of them the
// whole population: "1,417 people" and "1,166 Palestinians"), and no
// place or period that sets them apart. The article's own context (its
// dateline, its subject) stands for a place or period one of them leaves
// unsaid.
func withinArticle(f extract.Figure, c *workflows.Claim) (int, bool) {
	if Normalize(f.Metric) == "" || Normalize(f.Metric) != Normalize(c.Metric) {
		return 0, false
	}
	score := 0
	fw, cw := Normalize(f.Who), Normalize(c.Who)
	switch {
	case fw == cw:
		score += 2
	case generic(fw) && population(c.Who) || generic(cw) && population(f.Who):
		score++
	default:
		return 0, false
	}
	fp, cp := NormalizePlace(f.Place), NormalizePlace(c.Place)
	if fp != "" && cp != "" && fp != cp && !containsWords(fp, cp) && !containsWords(cp, fp) {
		return 0, false
	}
	if fp != "" && fp == cp {
		score += 2 // the same place named on both sides beats a place left unsaid
	}
	if extract.IsEventPeriod(f.Period) != extract.IsEventPeriod(c.Period) {
		return 0, false
	}
	pf, pc := NormalizePeriod(f.Period), NormalizePeriod(c.Period)
	if pf != "" && pc != "" && pf != pc && !containsWords(pf, pc) && !containsWords(pc, pf) {
		return 0, false
	}
	return score, true
}

// generic reports a count of people that says nothing about who they are.
func generic(who string) bool { return who == "" || who == "people" || who == "persons" }

// population reports a people named as a whole: "Palestinians", "Syrians",
// "people".
func population(who string) bool {
	w := strings.TrimSpace(who)
	if generic(Normalize(w)) {
		return true
	}
	if strings.ContainsAny(w, " \t") || len(w) < 4 {
		return false
	}
	r := []rune(w)
	return unicode.IsUpper(r[0]) && strings.HasSuffix(w, "s")
}

// compatible reports whether f and c are about the same count, and how
// strongly: every field that both name must agree, and a figure that names
// no place (or a claim that names none) matches only when both name the
// same people counted and the same period, since "civilians killed" alone
// says too little to pair an article with a claim about one city.
func compatible(f extract.Figure, c *workflows.Claim) (int, bool) {
	if Normalize(f.Metric) == "" || Normalize(f.Metric) != Normalize(c.Metric) {
		return 0, false
	}
	score := 0
	fw, cw := Normalize(f.Who), Normalize(c.Who)
	switch {
	case fw == cw && fw != "":
		score += 2
	case fw == "" || cw == "":
	default:
		return 0, false
	}
	fp, cp := NormalizePlace(f.Place), NormalizePlace(c.Place)
	switch {
	case fp != "" && fp == cp:
		score += 3
	case fp != "" && cp != "":
		return 0, false
	}
	if extract.IsEventPeriod(f.Period) != extract.IsEventPeriod(c.Period) {
		return 0, false // one attack's toll is not the running total
	}
	pf, pc := NormalizePeriod(f.Period), NormalizePeriod(c.Period)
	switch {
	case pf != "" && pf == pc:
		score += 2
	case pf != "" && pc != "" && (containsWords(pf, pc) || containsWords(pc, pf)):
		score++
	case pf != "" && pc != "":
		return 0, false
	}
	if fp == "" || cp == "" {
		// Without a place on both sides, only the people and the period
		// tie a figure to a claim.
		if !(fw != "" && fw == cw && pf != "" && pf == pc) {
			return 0, false
		}
	}
	return score, true
}

func topicWhy(parts ...string) string {
	var out []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, " · ")
}

// Normalize case-folds s, drops punctuation and a leading article and joins
// the words with single spaces.
func Normalize(s string) string {
	words := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '-' && r != '_'
	})
	if len(words) > 0 && (words[0] == "the" || words[0] == "a" || words[0] == "an") {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// directions qualify a place without making it another place: "western
// Mosul" is where the "Mosul" toll was counted.
var directions = map[string]bool{
	"north": true, "south": true, "east": true, "west": true, "central": true,
	"northern": true, "southern": true, "eastern": true, "western": true,
	"northeastern": true, "northwestern": true, "southeastern": true, "southwestern": true,
	"northeast": true, "northwest": true, "southeast": true, "southwest": true,
}

// NormalizePlace is Normalize without compass qualifiers: "western Mosul"
// and "the city of Mosul" both become "mosul".
func NormalizePlace(s string) string {
	words := strings.Fields(Normalize(s))
	var out []string
	for i, w := range words {
		if directions[w] {
			continue
		}
		if (w == "city" || w == "province" || w == "town") && i+1 < len(words) && words[i+1] == "of" {
			continue
		}
		if w == "of" && i > 0 && (words[i-1] == "city" || words[i-1] == "province" || words[i-1] == "town") {
			continue
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

// periodFillers are prepositions that do not change a period.
var periodFillers = map[string]bool{"since": true, "in": true, "during": true, "on": true, "the": true, "of": true, "for": true}

// NormalizePeriod is Normalize without leading prepositions: "since
// mid-February" and "mid-February" are the same period.
func NormalizePeriod(s string) string {
	words := strings.Fields(Normalize(s))
	for len(words) > 0 && periodFillers[words[0]] {
		words = words[1:]
	}
	return strings.Join(words, " ")
}

// containsWords reports whether the words of b occur in a as a run.
func containsWords(a, b string) bool {
	return strings.Contains(" "+a+" ", " "+b+" ")
}
