package workflows

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Qualifier says how a figure bounds the true number.
type Qualifier string

const (
	Exact    Qualifier = "exact"
	AtLeast  Qualifier = "at_least"
	MoreThan Qualifier = "more_than"
	UpTo     Qualifier = "up_to"
	About    Qualifier = "about"
)

// Valid reports whether q is one of the known qualifiers.
func (q Qualifier) Valid() bool {
	switch q {
	case Exact, AtLeast, MoreThan, UpTo, About:
		return true
	}
	return false
}

// Phrase is the qualifier as words put before a number.
func (q Qualifier) Phrase() string {
	switch q {
	case AtLeast:
		return "at least"
	case MoreThan:
		return "more than"
	case UpTo:
		return "as many as"
	case About:
		return "about"
	}
	return ""
}

// Figure is a number a claim or a source states, with how it bounds the count
// and what is counted ("civilians killed").
type Figure struct {
	Value float64 `json:"value"`
	// Max is the top of a range ("154,000 to 172,000"), whose bottom is
	// Value; 0 for a single number. Statements, figure= arguments and
	// articles all read ranges (extract.ReadRange), and the database keeps
	// them whole.
	Max       float64   `json:"max,omitempty"`
	Qualifier Qualifier `json:"qualifier"`
	Unit      string    `json:"unit,omitempty"`
}

// String renders "at least 300 civilians killed", "about 154,000 to
// 172,000 people took part".
func (f Figure) String() string {
	s := FormatNumber(f.Value)
	if f.Max > f.Value {
		s += " to " + FormatNumber(f.Max)
	}
	if p := f.Qualifier.Phrase(); p != "" {
		s = p + " " + s
	}
	if f.Unit != "" {
		s += " " + f.Unit
	}
	return s
}

// FormatNumber writes 3864 as "3,864" and 1.5 as "1.5".
func FormatNumber(v float64) string {
	if v != math.Trunc(v) || math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	digits := strconv.FormatInt(int64(math.Abs(v)), 10)
	var b strings.Builder
	if v < 0 {
		b.WriteByte('-')
	}
	for i, r := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// EvidenceState is computed from a claim's evidence by Assess; nobody sets it.
type EvidenceState string

const (
	Unverified   EvidenceState = "unverified"
	Corroborated EvidenceState = "corroborated"
	Disputed     EvidenceState = "disputed"
)

// Decision is the editors' verdict on a claim.
type Decision string

const (
	Pending  Decision = "pending"
	Approved Decision = "approved"
	Rejected Decision = "rejected"
)

// Stance is whether a source's account supports or contradicts the claim.
type Stance string

const (
	Supports    Stance = "supports"
	Contradicts Stance = "contradicts"
)

// MaxStatementLen bounds a claim statement, an evidence quote and an
// editor's decision note, in characters; longer text is refused, not cut,
// so nothing a reporter or editor wrote is silently lost.
const MaxStatementLen = 2000

// Claim is a factual statement the desk must verify.
type Claim struct {
	ID        int64
	Statement string
	Figure    *Figure // nil when the statement has no figure
	// FigureNote says why the statement's number was not read as its
	// figure ("above 10^12", "3,86"), set by File and Edit for the
	// answer; never stored.
	FigureNote string

	// Topic fields let article ingest match claims about the same thing.
	Metric, Who, Place, Period string

	FiledBy  string // actor key
	Assignee string // actor key, "" when nobody is assigned

	State        EvidenceState
	Decision     Decision
	DecidedBy    string // actor key of the decision standing; empty while pending (a reopen clears it)
	DecidedAt    time.Time
	DecisionNote string

	CreatedAt time.Time
	UpdatedAt time.Time
	// StateSince is when State last changed: stale claims are measured from it.
	StateSince time.Time
	// Version increases on every change; writes check it (optimistic concurrency).
	Version int

	Evidence []Evidence // loaded by Store.Claim; nil from listings
	Threads  []Thread   // where the claim's card lives

	// Names are the display names of people its messages name, by actor
	// key, filled by the engine from its Names; never stored.
	Names map[string]string
}

// Person names a stored actor key in the claim's messages: the display
// name the engine found, else the id.
func (c *Claim) Person(key string) string {
	if n := c.Names[key]; n != "" {
		return n
	}
	return DisplayKey(key)
}

// Ref is the claim's id as people write it: "#12".
func (c *Claim) Ref() string { return Ref(c.ID) }

// Ref formats a claim id as "#12".
func Ref(id int64) string { return fmt.Sprintf("#%d", id) }

// Status names the claim's situation in plain words: the decision once one is
// taken, the evidence state before.
func (c *Claim) Status() string {
	if c.Decision != Pending && c.Decision != "" {
		return string(c.Decision)
	}
	return string(c.State)
}

// Thread is one chat place where a claim's card lives. RootID is the platform's
// id of the card message (Slack ts, Matrix event id); it is empty until the
// card has been delivered.
type Thread struct {
	ClaimID  int64
	Platform string
	Channel  string
	RootID   string
}

// Evidence is one source's account of a claim.
type Evidence struct {
	ID      int64
	ClaimID int64
	Source  string // as the reporter wrote it
	Via     string // the publication relaying the source, when it is not the origin
	URL     string
	Quote   string
	Stance  Stance
	Figure  *Figure
	// Document is the ingested article's path or URL, when the evidence came
	// from article ingest.
	Document string
	AddedBy  string // actor key
	AddedAt  time.Time
	// Archive is the snapshot of ArchiveLink(e), nil when there is no
	// link. Loaded with the claim, without its text.
	Archive *Snapshot
}

// Origin is the normalised name of where the account really comes from: the
// source itself. A newspaper quoting the UN counts as the UN, so Via never
// makes a second origin; it is kept for attribution.
func (e Evidence) Origin() string { return NormalizeSource(e.Source) }
