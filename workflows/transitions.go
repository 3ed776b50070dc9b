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
}

// transitions is the whole editorial workflow. A (decision, action) pair that
// is not here is refused. Guards that depend on more than the decision (who
// may act, which note is needed) live in Engine, next to the data they read.
//
// Adding evidence to an approved claim keeps it approved here; the engine
// reopens it when the new evidence makes it disputed, because that depends on
// the evidence, not on the action.
var transitions = []transition{
	{Pending, ActApprove, Approved},
	{Pending, ActReject, Rejected},
	{Pending, ActEdit, Pending},
	{Pending, ActAddEvidence, Pending},
	{Pending, ActAssign, Pending},
	{Approved, ActReopen, Pending},
	{Approved, ActAddEvidence, Approved},
	{Approved, ActAssign, Approved},
	{Rejected, ActReopen, Pending},
	{Rejected, ActAddEvidence, Rejected},
	{Rejected, ActAssign, Rejected},
}

// AllDecisions and AllActions enumerate the table's axes, for tests and the
// generated graph.
var (
	AllDecisions = []Decision{Pending, Approved, Rejected}
	AllActions   = []Action{ActApprove, ActReject, ActReopen, ActEdit, ActAddEvidence, ActAssign}
)

// Next returns the decision that action leads to from from. An action the
// table does not allow returns an EINVALID error that says what is possible
// from here.
func Next(from Decision, action Action) (Decision, error) {
	for _, t := range transitions {
		if t.From == from && t.Action == action {
			return t.To, nil
		}
	}
	return from, Errorf(EINVALID, "can't %s: the claim is %s; from here you can %s",
		action, from, strings.Join(Possible(from), ", "))
}

// Possible lists the actions allowed from a decision, in table order.
func Possible(from Decision) []string {
	var out []string
	for _, t := range transitions {
		if t.From == from {
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
// picture editors get of the workflow (kept in testdata by a test).
func TransitionGraph() string {
	var b strings.Builder
	b.WriteString("digraph decisions {\n  rankdir=LR;\n")
	for _, t := range transitions {
		who := ""
		if EditorOnly(t.Action) {
			who = " (editor)"
		}
		fmt.Fprintf(&b, "  %s -> %s [label=%q];\n", t.From, t.To, actionWords(t.Action)+who)
	}
	b.WriteString("}\n")
	return b.String()
}
