package workflows

import (
	"fmt"
	"strings"
)

// Action is something a person asks the desk to do to a claim.
type Action string

const (
	ActApprove     Action = "approve"
	ActReject      Action = "reject"
	ActReopen      Action = "reopen"
	ActEdit        Action = "edit"
	ActAddEvidence Action = "evidence"
	ActAssign      Action = "assign"
)

// transition is one row of the decision table.
type transition struct {
	From   Decision
	Action Action
	To     Decision
	// When, if set, makes the row apply only while it holds. Rows are tried
	// in order, so a conditional row stands before the plain row it
	// overrides.
	When *condition
	// Guards may refuse the step; each refusal says what to do instead.
	Guards []guard
}

// stepFacts is what conditions and guards read: the claim as it stands (with
// the action's new evidence, for add evidence), its assessment, who acts, the
// note they gave and the newsroom's rules.
type stepFacts struct {
	Claim      *Claim
	Assessment Assessment
	Actor      string // actor key
	Note       string
	Rules      Rules
}

// condition selects a row; label is how the graph shows it.
type condition struct {
	label string
	holds func(stepFacts) bool
}

// guard refuses a step with an error, or returns nil; label is how the
// graph shows it.
type guard struct {
	label  string
	refuse func(stepFacts) error
}

var (
	// disputesApproval is the automatic reopen: evidence that makes an
	// approved claim disputed withdraws the approval, since what was
	// published may now be wrong.
	disputesApproval = &condition{"it disputes the claim (automatic reopen)",
		func(f stepFacts) bool { return f.Assessment.State == Disputed }}

	approverNotFiler = guard{"approver is not the filer (rules.approver_not_filer)", func(f stepFacts) error {
		if f.Rules.ApproverNotFiler && f.Claim.FiledBy == f.Actor {
			return Errorf(EFORBIDDEN, "you filed %s, so another editor must approve it", f.Claim.Ref())
		}
		return nil
	}}
	disputedNeedsNote = guard{"resolution note if disputed", func(f stepFacts) error {
		if f.Assessment.State == Disputed && f.Note == "" {
			return Errorf(EINVALID, "%s is disputed (%s). To approve it, add a resolution note saying which figure to publish and how to attribute it: approve %d <note>", f.Claim.Ref(), f.Assessment.Conflict, f.Claim.ID)
		}
		return nil
	}}
	unverifiedNeedsNote = guard{"note if unverified", func(f stepFacts) error {
		if f.Assessment.State == Unverified && f.Note == "" {
			return Errorf(EINVALID, "%s is unverified. To approve it anyway, add a note saying why: approve %d <note>", f.Claim.Ref(), f.Claim.ID)
		}
		return nil
	}}
	reasonRequired = guard{"reason required", func(f stepFacts) error {
		if f.Note == "" {
			return Errorf(EINVALID, "rejecting needs a reason: reject %d <reason>", f.Claim.ID)
		}
		return nil
	}}
)

// transitions is the whole editorial workflow. A (decision, action) pair that
// is not here is refused. Who may act at all (editors for approve, reject and
// reopen; the filer or an editor for edit) is EditorOnly and Engine's
// authorize, which read the roles.
var transitions = []transition{
	{From: Pending, Action: ActApprove, To: Approved, Guards: []guard{approverNotFiler, disputedNeedsNote, unverifiedNeedsNote}},
	{From: Pending, Action: ActReject, To: Rejected, Guards: []guard{reasonRequired}},
	{From: Pending, Action: ActEdit, To: Pending},
	{From: Pending, Action: ActAddEvidence, To: Pending},
	{From: Pending, Action: ActAssign, To: Pending},
	{From: Approved, Action: ActReopen, To: Pending},
	{From: Approved, Action: ActAddEvidence, To: Pending, When: disputesApproval},
	{From: Approved, Action: ActAddEvidence, To: Approved},
	{From: Approved, Action: ActAssign, To: Approved},
	{From: Rejected, Action: ActReopen, To: Pending},
	{From: Rejected, Action: ActAddEvidence, To: Rejected},
	{From: Rejected, Action: ActAssign, To: Rejected},
}

// AllDecisions and AllActions enumerate the table's axes, for tests and the
// generated graph.
var (
	AllDecisions = []Decision{Pending, Approved, Rejected}
	AllActions   = []Action{ActApprove, ActReject, ActReopen, ActEdit, ActAddEvidence, ActAssign}
)

// Next returns the decision that action leads to from from, by the table's
// unconditional row. An action the table does not allow returns an EINVALID
// error that says what is possible from here.
func Next(from Decision, action Action) (Decision, error) {
	for _, t := range transitions {
		if t.From == from && t.Action == action && t.When == nil {
			return t.To, nil
		}
	}
	return from, Errorf(EINVALID, "can't %s: the claim is %s; from here you can %s",
		action, from, strings.Join(Possible(from), ", "))
}

// step is Next with the facts: the first row whose condition holds applies,
// and its guards may refuse it (EFORBIDDEN or EINVALID, saying what to do).
func step(from Decision, action Action, f stepFacts) (Decision, error) {
	for _, t := range transitions {
		if t.From != from || t.Action != action || (t.When != nil && !t.When.holds(f)) {
			continue
		}
		for _, g := range t.Guards {
			if err := g.refuse(f); err != nil {
				return from, err
			}
		}
		return t.To, nil
	}
	return Next(from, action)
}

// Possible lists the actions allowed from a decision, in table order.
func Possible(from Decision) []string {
	var out []string
	for _, t := range transitions {
		if t.From == from && t.When == nil {
			out = append(out, actionWords(t.Action))
		}
	}
	return out
}

func actionWords(a Action) string {
	if a == ActAddEvidence {
		return "add evidence"
	}
	return string(a)
}

// EditorOnly reports whether only editors may perform an action.
func EditorOnly(a Action) bool {
	switch a {
	case ActApprove, ActReject, ActReopen:
		return true
	}
	return false
}

// TransitionGraph renders the decision table as a Graphviz digraph, the
// picture editors get of the workflow (kept in testdata by a test). Guards
// show in brackets; an automatic step is dashed, with its condition.
func TransitionGraph() string {
	var b strings.Builder
	b.WriteString("digraph decisions {\n  rankdir=LR;\n")
	for _, t := range transitions {
		label := actionWords(t.Action)
		if EditorOnly(t.Action) {
			label += " (editor)"
		}
		if t.When != nil {
			label += " when " + t.When.label
		}
		if len(t.Guards) > 0 {
			labels := make([]string, len(t.Guards))
			for i, g := range t.Guards {
				labels[i] = g.label
			}
			label += " [" + strings.Join(labels, "; ") + "]"
		}
		style := ""
		if t.When != nil {
			style = ", style=dashed"
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%q%s];\n", t.From, t.To, label, style)
	}
	b.WriteString("}\n")
	return b.String()
}
