package workflows

import (
	"fmt"
	"math"
	"sort"
)

// Rules are the newsroom's verification policy.
type Rules struct {
	// CorroborationSources is how many independent supporting origins make a
	// claim corroborated.
	CorroborationSources int
	// FigureTolerance is the largest relative difference (of the larger
	// figure) two figures may have and still agree.
	FigureTolerance float64
	// ApproverNotFiler forbids an editor from approving a claim they filed.
	ApproverNotFiler bool
}

// DefaultRules are the rules used when the config says nothing.
func DefaultRules() Rules {
	return Rules{CorroborationSources: 2, FigureTolerance: 0.10, ApproverNotFiler: true}
}

// Validate reports rules that cannot work.
func (r Rules) Validate() error {
	if r.CorroborationSources < 1 {
		return fmt.Errorf("rules.corroboration_sources must be at least 1, not %d", r.CorroborationSources)
	}
	if r.FigureTolerance < 0 || r.FigureTolerance >= 1 || math.IsNaN(r.FigureTolerance) {
		return fmt.Errorf("rules.figure_tolerance must be between 0 and 1, not %v", r.FigureTolerance)
	}
	return nil
}

// Agree reports whether two figures agree within the tolerance. Qualifiers
// are ignored on purpose: "at least 300" against "as many as 3,864" is a
// discrepancy an editor must see, whatever the hedging.
func (r Rules) Agree(a, b float64) bool {
	larger := math.Max(math.Abs(a), math.Abs(b))
	return math.Abs(a-b) <= r.FigureTolerance*larger
}

// Assessment is the evidence state with the reasons for it.
type Assessment struct {
	State EvidenceState
	// Origins are the distinct supporting origins, sorted.
	Origins []string
	// Conflict says why the claim is disputed, "" otherwise.
	Conflict string
	// Low and High are the extreme figures stated, with their sources, when
	// there are at least two figures.
	Low, High *SourcedFigure
}

// SourcedFigure is a figure with who stated it.
type SourcedFigure struct {
	Figure Figure
	Source string
}

// Assess computes a claim's evidence state from its figure and evidence:
// disputed when any evidence contradicts it or two figures differ by more
// than the tolerance; corroborated when enough independent origins support it
// and nothing conflicts; unverified otherwise.
func (r Rules) Assess(claimFigure *Figure, evidence []Evidence) Assessment {
	var a Assessment
	var figures []SourcedFigure
	origins := map[string]string{} // OriginKey → the first readable name

	for _, e := range evidence {
		if e.Figure != nil {
			figures = append(figures, SourcedFigure{Figure: *e.Figure, Source: e.Source})
		}
		switch e.Stance {
		case Contradicts:
			if a.Conflict == "" {
				a.Conflict = fmt.Sprintf("%s contradicts it", e.Source)
			}
		case Supports:
			if k := OriginKey(e.Source); origins[k] == "" {
				origins[k] = e.Origin()
			}
		}
	}
	// The claim's own figure goes last, so that where a source states the
	// same number the conflict is told by the source's name.
	if claimFigure != nil {
		figures = append(figures, SourcedFigure{Figure: *claimFigure, Source: "the claim"})
	}
	for _, o := range origins {
		a.Origins = append(a.Origins, o)
	}
	sort.Strings(a.Origins)
	if len(figures) >= 2 {
		low, high := figures[0], figures[0]
		for _, f := range figures[1:] {
			if f.Figure.Value < low.Figure.Value {
				low = f
			}
			if f.Figure.Value > high.Figure.Value {
				high = f
			}
		}
		a.Low, a.High = &low, &high
		// A range states every number in it: the figures conflict only when
		// the lowest top (a single figure's top is itself) is below the
		// highest bottom by more than the tolerance. For single figures
		// that is the lowest against the highest.
		floor, ceiling := figures[0], figures[0]
		for _, f := range figures[1:] {
			if f.Figure.top() < floor.Figure.top() {
				floor = f
			}
			if f.Figure.Value > ceiling.Figure.Value {
				ceiling = f
			}
		}
		if a.Conflict == "" && ceiling.Figure.Value > floor.Figure.top() && !r.Agree(floor.Figure.top(), ceiling.Figure.Value) {
			a.Conflict = fmt.Sprintf("%s (%s) vs %s (%s)",
				floor.Figure.span(), floor.Source, ceiling.Figure.span(), ceiling.Source)
		}
	}
	switch {
	case a.Conflict != "":
		a.State = Disputed
	case len(a.Origins) >= r.CorroborationSources:
		a.State = Corroborated
	default:
		a.State = Unverified
	}
	return a
}

// top is the highest number a figure states: a range's top, else its value.
func (f Figure) top() float64 { return max(f.Value, f.Max) }

// span writes a figure's number or range without qualifier or unit: "340",
// "200 to 350".
func (f Figure) span() string {
	if f.Max > f.Value {
		return FormatNumber(f.Value) + " to " + FormatNumber(f.Max)
	}
	return FormatNumber(f.Value)
}
