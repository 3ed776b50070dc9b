package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/factdesk/factdesk/workflows"
)

// Command is one parsed chat command.
type Command struct {
	Name string
	// ClaimID is the claim the command is about; 0 when left out, in which
	// case the claim thread it was said in supplies it (see ParseIn).
	ClaimID int64
	// Version is the claim version the speaker saw (a card button carries
	// it, as version=N); 0 means current.
	Version int
	// Text is the free text: a statement, a note, a reason.
	Text string
	// Args are the remaining words, for commands that take a list.
	Args []string
	// Evidence is set for the evidence command.
	Evidence workflows.EvidenceInput
	// List filters, for list.
	State    workflows.EvidenceState
	Decision workflows.Decision
	Mine     bool
	Assignee string // a mention as typed, "me", or workflows.NoAssignee
	// User is the mention given to assign.
	User string
	// Page is the page of a list or search asked for ("list page 2"); 0
	// is the first.
	Page int
	// BareNumber is set when, in a claim's thread, the text after the
	// command's name starts with a bare number: it was read as text, not as
	// the claim "#N" would have named.
	BareNumber int64
}

// Spec describes one command: its usage, and how to parse its arguments.
type Spec struct {
	Name    string
	Usage   string
	Summary string
	// EditorOnly commands are left out of a reporter's help (the engine
	// checks permission itself; this is only what help shows).
	EditorOnly bool
	// ClaimArg says the command is about one claim, whose id may be left
	// out inside the claim's thread.
	ClaimArg bool
	// Parse reads the arguments after the name (and the claim id, when
	// ClaimArg) into cmd. rest is the raw text after them.
	Parse func(cmd *Command, rest string) error
	// Run carries out the parsed command for r's engine. Refusals are
	// *workflows.Error values the router answers in chat.
	Run func(r *Router, ctx context.Context, req workflows.Request, cmd Command) error
}

// builtinSpecs is the core grammar, in the order help lists it: each
// command's name, usage, summary, who may use it, how its arguments are
// read and what runs it. (A function, not a variable: the handlers refer
// back to the grammar through help.)
func builtinSpecs() []Spec {
	return []Spec{
		{Name: "claim", Run: (*Router).runClaim, Usage: "claim <statement>", Summary: "file a claim to verify",
			Parse: func(cmd *Command, rest string) error {
				cmd.Text = strings.TrimSpace(rest)
				if workflows.Blank(cmd.Text) { // "claim \u200b": nothing a reader could see
					return errUsage
				}
				return nil
			}},
		{Name: "evidence", Run: (*Router).runEvidence, ClaimArg: true, Usage: `evidence <id> supports|contradicts source="…" [figure=…] [url=…] [via="…"] ["quote"]`,
			Summary: "add a source's account", Parse: parseEvidence},
		{Name: "show", Run: (*Router).runShow, ClaimArg: true, Usage: "show <id>", Summary: "show a claim's card", Parse: noArgs},
		{Name: "history", Run: (*Router).runHistory, ClaimArg: true, Usage: "history <id>", Summary: "every change to a claim, who and when", Parse: noArgs},
		{Name: "list", Run: (*Router).runList, Usage: "list [unverified|corroborated|disputed|pending|approved|rejected] [mine] [assigned:@user|unassigned] [page N]",
			Summary: "list claims, 50 a page", Parse: parseList},
		{Name: "search", Run: (*Router).runSearch, Usage: "search <words> [page N]", Summary: "find claims by words in the statement",
			Parse: func(cmd *Command, rest string) error {
				cmd.Args = strings.Fields(rest)
				if n := len(cmd.Args); n >= 3 && strings.EqualFold(cmd.Args[n-2], "page") {
					p, err := pageNumber(cmd.Args[n-1])
					if err != nil {
						return err
					}
					cmd.Page, cmd.Args = p, cmd.Args[:n-2]
				}
				if len(cmd.Args) == 0 {
					return errUsage
				}
				return nil
			}},
		{Name: "assign", Run: (*Router).runAssign, ClaimArg: true, Usage: "assign <id> @user|me|nobody", Summary: "give a claim to someone to verify",
			Parse: func(cmd *Command, rest string) error {
				f := strings.Fields(rest)
				if len(f) != 1 {
					return errUsage
				}
				cmd.User = f[0]
				return nil
			}},
		{Name: "approve", Run: (*Router).runApprove, ClaimArg: true, EditorOnly: true, Usage: "approve <id> [note]",
			Summary: "approve a claim (a note is needed unless it is corroborated)", Parse: freeText(false)},
		{Name: "reject", Run: (*Router).runReject, ClaimArg: true, EditorOnly: true, Usage: "reject <id> <reason>", Summary: "reject a claim", Parse: freeText(true)},
		{Name: "reopen", Run: (*Router).runReopen, ClaimArg: true, EditorOnly: true, Usage: "reopen <id> [note]", Summary: "return a decided claim to pending", Parse: freeText(false)},
		{Name: "edit", Run: (*Router).runEdit, ClaimArg: true, Usage: "edit <id> <new statement>", Summary: "reword a claim (its reporter or an editor)", Parse: freeText(true)},
		{Name: "notify", Run: (*Router).runNotify, Usage: "notify on|off",
			Summary: "be told privately when your claims are assigned, disputed or decided", Parse: parseNotify},
		{Name: "help", Run: (*Router).runHelp, Usage: "help [command]", Summary: "what you can do here",
			Parse: func(cmd *Command, rest string) error {
				cmd.Args = strings.Fields(rest)
				return nil
			}},
	}
}

var errUsage = fmt.Errorf("usage")

func noArgs(cmd *Command, rest string) error {
	if strings.TrimSpace(rest) != "" {
		return errUsage
	}
	return nil
}

func freeText(required bool) func(*Command, string) error {
	return func(cmd *Command, rest string) error {
		cmd.Text = strings.TrimSpace(rest)
		if required && workflows.Blank(cmd.Text) {
			return errUsage
		}
		return nil
	}
}

// Grammar is the set of commands a router understands: the built-in ones plus
// any a feature registers (digest, ingest).
type Grammar struct {
	specs []Spec
}

// NewGrammar returns the core grammar.
func NewGrammar() *Grammar {
	return &Grammar{specs: builtinSpecs()}
}

// Add registers another command.
func (g *Grammar) Add(s Spec) { g.specs = append(g.specs, s) }

// Specs lists the commands in help order.
func (g *Grammar) Specs() []Spec { return g.specs }

// Lookup finds a command's spec by name.
func (g *Grammar) Lookup(name string) (Spec, bool) {
	for _, s := range g.specs {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// Parse reads one command said outside a claim's thread, where a claim is
// named by its number, with or without "#": "approve 12 ok", "approve #12
// ok". Errors are *workflows.Error with EINVALID and a sentence saying what
// to type instead.
func (g *Grammar) Parse(text string) (Command, error) { return g.ParseIn(text, false) }

// ParseIn reads one command; inThread says it was said in a claim's thread.
// There the thread's claim is the target and another claim is named only as
// "#N": a bare number after the command's name is part of its text, since
// statements and notes often start with one ("edit 4 people were killed",
// "reopen 3 sources now disagree"). Command.BareNumber then holds it, so
// the answer can say which claim was meant. Errors are as Parse's.
func (g *Grammar) ParseIn(text string, inThread bool) (Command, error) {
	return g.parse(text, inThread, 0)
}

// ParseInThread reads one command said in the thread of claim own (0: no
// claim's thread), as ParseIn does, except that a bare number equal to own
// names the claim: "approve 1 figures checked" in #1's thread is #1 with
// the note "figures checked", as the desk's own advice (approve 1 <note>)
// reads when followed there. Errors are as Parse's.
func (g *Grammar) ParseInThread(text string, own int64) (Command, error) {
	return g.parse(text, own != 0, own)
}

// parse is ParseIn, with own the claim of the thread (0 when unknown).
func (g *Grammar) parse(text string, inThread bool, own int64) (Command, error) {
	name, rest := commandWord(text)
	if name == "" {
		return Command{}, workflows.Errorf(workflows.EINVALID, "say a command; type help for the list")
	}
	spec, ok := g.Lookup(name)
	if !ok {
		msg := fmt.Sprintf("unknown command %q", workflows.Shorten(name, 40))
		if near := g.closest(name); near != "" {
			msg += fmt.Sprintf("; did you mean %s?", near)
		} else {
			msg += "."
		}
		return Command{}, workflows.Errorf(workflows.EINVALID, "%s Type help for the list.", msg)
	}
	cmd := Command{Name: name}
	if spec.ClaimArg {
		if id, after, hash, ok := leadingClaimID(rest); ok && (hash || !inThread || id == own) {
			cmd.ClaimID, rest = id, after
		} else if ok {
			cmd.BareNumber = id
		} else if w, ok := badClaimNumber(rest); ok && (!inThread || strings.HasPrefix(w, "#")) {
			// "evidence 0 supports", "show -1", "approve 99999999999999999999":
			// a number where the claim goes, but none a claim has.
			return Command{}, workflows.Errorf(workflows.EINVALID,
				"%s is not a claim number: claims are numbered from 1 (#1, #2, …). Usage: %s", workflows.Shorten(w, 30), spec.Usage)
		}
		if v, after, ok := leadingVersion(rest); ok {
			cmd.Version, rest = v, after
		} else if w, _ := cutWord(rest); hasFoldPrefix(w, "version=") {
			return Command{}, workflows.Errorf(workflows.EINVALID,
				"version= takes a number, the claim version a card shows (version=3); “%s” is none", workflows.Shorten(w[len("version="):], 30))
		}
	}
	if err := spec.Parse(&cmd, rest); err != nil {
		if cmd.BareNumber != 0 && g.readsAsClaim(spec, rest) {
			return Command{}, workflows.Errorf(workflows.EINVALID,
				"in a claim's thread, %s acts on that claim and a bare number is not a claim: write #%d to name claim %d, or leave the number out. Usage: %s",
				name, cmd.BareNumber, cmd.BareNumber, spec.Usage)
		}
		if err == errUsage {
			return Command{}, workflows.Errorf(workflows.EINVALID, "usage: %s", spec.Usage)
		}
		return Command{}, err
	}
	return cmd, nil
}

// readsAsClaim reports whether rest, refused with its leading bare number
// as text, would parse with that number taken as a claim: "show 5" in a
// thread, where the person surely meant claim 5.
func (g *Grammar) readsAsClaim(spec Spec, rest string) bool {
	_, after, _, ok := leadingClaimID(rest)
	if !ok {
		return false
	}
	if _, v, ok := leadingVersion(after); ok {
		after = v
	}
	var probe Command
	return spec.Parse(&probe, after) == nil
}

// leadingClaimID reads "12" or "#12" at the start of s; hash says which.
func leadingClaimID(s string) (id int64, rest string, hash bool, ok bool) {
	w, rest := cutWord(s)
	hash = strings.HasPrefix(w, "#")
	w = strings.TrimPrefix(w, "#")
	if w == "" || !isDigits(w) {
		return 0, s, false, false
	}
	id, err := strconv.ParseInt(w, 10, 64)
	if err != nil || id <= 0 {
		return 0, s, false, false
	}
	return id, rest, hash, true
}

// badClaimNumber reports a word where a claim's number goes that is a
// number but no claim's: "0", "-1", "#0", "+3", "99999999999999999999"
// (beyond int64), with the word as typed.
func badClaimNumber(s string) (string, bool) {
	w, _ := cutWord(s)
	n := strings.TrimPrefix(w, "#")
	n = strings.TrimLeft(n, "-+\u2212")
	return w, isDigits(n)
}

// hasFoldPrefix reports whether s starts with prefix, ignoring case.
func hasFoldPrefix(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

// leadingVersion reads "version=3", which card buttons put after the id.
func leadingVersion(s string) (int, string, bool) {
	w, rest := cutWord(s)
	if !hasFoldPrefix(w, "version=") {
		return 0, s, false
	}
	v := w[len("version="):]
	if !isDigits(v) {
		return 0, s, false
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, s, false
	}
	return n, rest, true
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

// IsCommand reports whether text starts with a command's name, read as
// Parse reads it: platforms ask it about talk in a claim's thread, which
// is answered only when it is a command.
func (g *Grammar) IsCommand(text string) bool {
	name, _ := commandWord(text)
	_, ok := g.Lookup(name)
	return ok
}

// commandWord splits text into its command name (case-folded, a leading
// "/" dropped) and the rest.
func commandWord(text string) (string, string) {
	name, rest := cutWord(strings.TrimSpace(text))
	return strings.ToLower(strings.TrimPrefix(name, "/")), rest
}

// cutWord splits off the first whitespace-separated word.
func cutWord(s string) (string, string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	i := strings.IndexFunc(s, unicode.IsSpace)
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

// closest suggests the known command nearest to a mistyped one.
func (g *Grammar) closest(name string) string {
	best, bestDist := "", 3
	for _, s := range g.specs {
		if d := editDistance(name, s.Name); d < bestDist || (strings.HasPrefix(s.Name, name) && len(name) >= 2 && d <= len(s.Name)) {
			if strings.HasPrefix(s.Name, name) && len(name) >= 2 {
				return s.Name
			}
			best, bestDist = s.Name, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur := make([]int, len(rb)+1)
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(rb)]
}

// token is one argument: a bare word, key=value, or a quoted string.
type token struct {
	key    string // "" for a bare or quoted word
	value  string
	quoted bool
}

// quotePairs maps each opening quote to the closing ones it accepts. People
// quote as their keyboard and language do, and chat clients turn straight
// quotes into typographic ones as they type: “English” ‘English’, „German“
// ‚German‘, „Polish”, ”Swedish”, «French» »Danish« ‹single› ›single‹,
// 「Japanese」 『Japanese』, ＂full-width＂, and "straight" 'straight'. A
// closing quote of the same family is accepted too, since people and
// autocorrect mix them.
var quotePairs = map[rune]string{
	'"': `"”“`, '“': `”“"`, '”': `”"`, '„': `“”"`,
	'\'': `'’‘`, '‘': `’‘'`, '’': `’'`, '‚': `‘’'`,
	'«': `»`, '»': `«»`, '‹': `›`, '›': `‹›`,
	'「': `」`, '『': `』`, '＂': `＂`,
}

// tokenize splits arguments on spaces (argSpace), keeping quoted strings
// whole, with key="quoted value" as one token.
func tokenize(s string) ([]token, error) {
	var out []token
	rs := []rune(s)
	for i := 0; i < len(rs); {
		for i < len(rs) && argSpace(rs[i]) {
			i++
		}
		if i >= len(rs) {
			break
		}
		var t token
		start := i
		for i < len(rs) && !argSpace(rs[i]) && rs[i] != '=' && quotePairs[rs[i]] == "" {
			i++
		}
		if i < len(rs) && rs[i] == '=' && i > start {
			t.key = strings.ToLower(string(rs[start:i]))
			i++
			start = i
		} else {
			i = start
		}
		if i < len(rs) && quotePairs[rs[i]] != "" && (t.key != "" || i == start) {
			closers := quotePairs[rs[i]]
			j := i + 1
			for j < len(rs) && !strings.ContainsRune(closers, rs[j]) {
				j++
			}
			if j >= len(rs) || spansKey(rs[i+1:j]) {
				return nil, unclosedQuote(t.key, rs[i:])
			}
			t.value, t.quoted = string(rs[i+1:j]), true
			i = j + 1
		} else {
			for i < len(rs) && !argSpace(rs[i]) {
				i++
			}
			t.value = string(rs[start:i])
		}
		out = append(out, t)
	}
	return out, nil
}

// argSpace reports a space that separates arguments: any white space but
// the no-break, narrow no-break, thin and figure spaces (U+00A0, U+202F,
// U+2009, U+2007), which people and keyboards put between digit groups
// ("3 864", the SI and French style) and never between arguments, so
// figure=3 864 is one figure, as it is in a statement.
func argSpace(r rune) bool {
	switch r {
	case '\u00a0', '\u202f', '\u2009', '\u2007':
		return false
	}
	return unicode.IsSpace(r)
}

// evidenceKey finds " key=" for a key evidence takes: a quoted value that
// spans one was never closed where the person meant it to be
// (source=“UN figure=5 “quote” closes at the quote's opener).
var evidenceKey = regexp.MustCompile(`(?i)\s(source|figure|url|via|quote)=`)

func spansKey(value []rune) bool { return evidenceKey.MatchString(string(value)) }

// unclosedQuote is the answer to a quote that is never closed, naming
// where it opened: "the quote opened at source=“Unclosed… is never closed".
func unclosedQuote(key string, from []rune) error {
	at := string(from[0])
	word := from[1:]
	if k := slices.IndexFunc(word, unicode.IsSpace); k >= 0 {
		word = word[:k]
	}
	at += workflows.Shorten(string(word), 30)
	if key != "" {
		at = key + "=" + at
	}
	return workflows.Errorf(workflows.EINVALID, "the quote opened at %s… is never closed; close it with its closing mark", at)
}

func parseEvidence(cmd *Command, rest string) error {
	toks, err := tokenize(rest)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return errUsage
	}
	in := &cmd.Evidence
	given := map[string]bool{}
	for i, t := range toks {
		if t.key != "" {
			// figure=5 figure=600: which one was meant is not for the desk
			// to guess.
			if given[t.key] {
				return workflows.Errorf(workflows.EINVALID, "%s= is given twice; give it once", workflows.Shorten(t.key, 20))
			}
			given[t.key] = true
		}
		switch {
		case i == 0 && t.key == "":
			switch strings.ToLower(t.value) {
			case "supports", "support", "supporting":
				in.Stance = workflows.Supports
			case "contradicts", "contradict", "contradicting", "disputes":
				in.Stance = workflows.Contradicts
			default:
				return workflows.Errorf(workflows.EINVALID, "say whether the source supports or contradicts the claim. Usage: evidence <id> supports|contradicts source=\"…\"")
			}
		case t.key == "source":
			in.Source = t.value
		case t.key == "via":
			in.Via = t.value
		case t.key == "url":
			in.URL = t.value
		case t.key == "quote":
			in.Quote = t.value
		case t.key == "figure":
			f, err := workflows.ParseFigure(t.value)
			if err != nil {
				return err
			}
			in.Figure = &f
		case t.key == "" && t.quoted && in.Quote == "":
			in.Quote = t.value
		case t.key == "" && t.quoted:
			return workflows.Errorf(workflows.EINVALID, "the quote is given twice; give it once")
		case t.key != "":
			return workflows.Errorf(workflows.EINVALID, "evidence takes source=, figure=, url=, via= and a \"quote\", not %s=", t.key)
		default:
			// The word as typed, in typographic quotes: %q would show a
			// quote inside it as \" ("nested\""), which nobody typed.
			return workflows.Errorf(workflows.EINVALID, "I don't know what “%s” means here; put several words in quotes: source=\"Iraqi army\"", workflows.Shorten(t.value, 40))
		}
	}
	if in.Stance == "" {
		return errUsage
	}
	if in.Source == "" {
		return workflows.Errorf(workflows.EINVALID, `evidence needs a source: source="UN human rights office"`)
	}
	return nil
}

// pageNumber reads the N of "page N": a whole number from 1.
func pageNumber(w string) (int, error) {
	n, err := strconv.Atoi(w)
	if err != nil || n < 1 || !isDigits(w) {
		return 0, workflows.Errorf(workflows.EINVALID, "page takes a number from 1, as in page 2, not “%s”", workflows.Shorten(w, 30))
	}
	return n, nil
}

func parseList(cmd *Command, rest string) error {
	words := strings.Fields(rest)
	for i := 0; i < len(words); i++ {
		typed := words[i]
		// Keywords in any case; the user after assigned: as typed, since
		// user ids are case-sensitive ("U0RITA" is not "u0rita").
		w := strings.ToLower(typed)
		if w == "page" {
			if i+1 >= len(words) {
				return workflows.Errorf(workflows.EINVALID, "page takes a number, as in list page 2")
			}
			p, err := pageNumber(words[i+1])
			if err != nil {
				return err
			}
			cmd.Page = p
			i++
			continue
		}
		cmd.Args = append(cmd.Args, typed) // the listing, for its next page
		switch {
		case w == "unverified" || w == "corroborated" || w == "disputed":
			cmd.State = workflows.EvidenceState(w)
		case w == "pending" || w == "approved" || w == "rejected":
			cmd.Decision = workflows.Decision(w)
		case w == "mine":
			cmd.Mine = true
		case w == "unassigned":
			cmd.Assignee = workflows.NoAssignee
		case strings.HasPrefix(w, "assigned:"):
			cmd.Assignee = typed[len("assigned:"):]
			if cmd.Assignee == "" {
				return errUsage
			}
		default:
			return workflows.Errorf(workflows.EINVALID, "list doesn't know %q. Usage: list [state|decision] [mine] [assigned:@user] [page N]", workflows.Shorten(w, 40))
		}
	}
	return nil
}

// HelpMessage lists the commands the asker may run, or one command's usage.
func (g *Grammar) HelpMessage(editor bool, topic string) workflows.Message {
	if topic != "" {
		s, ok := g.Lookup(strings.ToLower(topic))
		if !ok {
			return workflows.Message{Text: fmt.Sprintf("no command %q; type help for the list", workflows.Shorten(topic, 40)), Tone: workflows.ToneError}
		}
		text := s.Summary + "."
		if s.ClaimArg {
			text += " Inside a claim's thread it acts on that claim: leave the id out, and name another claim as #N (a bare number there is read as text, unless it is that claim's own)."
		}
		if s.EditorOnly {
			text += " Editors only."
		}
		return workflows.Message{Title: s.Usage, Text: text}
	}
	m := workflows.Message{Title: "factdesk commands"}
	specs := append([]Spec(nil), g.specs...)
	sort.SliceStable(specs, func(i, j int) bool { return !specs[i].EditorOnly && specs[j].EditorOnly })
	for _, s := range specs {
		if s.EditorOnly && !editor {
			continue
		}
		m.Items = append(m.Items, fmt.Sprintf("%s — %s", s.Usage, s.Summary))
	}
	m.Footer = "Inside a claim's thread, commands act on that claim; name another as #N. help <command> for more."
	return m
}
