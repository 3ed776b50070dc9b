package slackfake

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Known is what a workspace knows by name, so that "@rita" or "#desk" typed
// by a person reaches an app as Slack sends it: user names → user ids,
// user group handles (without "@") → group ids, channel names (without
// "#") → channel ids.
type Known struct {
	Users    map[string]string
	Groups   map[string]string
	Channels map[string]string
	// LabelUsers writes user mentions as "<@U012AB|rita>", as slash commands
	// with should_escape do (and older message payloads); messages today
	// carry "<@U012AB>".
	LabelUsers bool
}

// Encode returns what Slack sends an app when a person types text in a
// workspace that knows nobody by name: see Known.Encode.
func Encode(text string) string { return Known{}.Encode(text) }

// Typed returns what this fake workspace sends for text a person typed in a
// message: Known.Encode with the users (AddUser, by name), user groups
// (AddUsergroup, by handle) and channels (AddChannel) it knows.
func (s *Server) Typed(text string) string { return s.known(false).Encode(text) }

// TypedCommand is Typed for the text of a slash command whose manifest
// entry has should_escape: true: the same markup, with user mentions as
// "<@U012AB|rita>".
func (s *Server) TypedCommand(text string) string { return s.known(true).Encode(text) }

// AddChannel makes the workspace know a channel by name, for Typed.
func (s *Server) AddChannel(id, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.channels == nil {
		s.channels = map[string]string{}
	}
	s.channels[name] = id
}

func (s *Server) known(label bool) Known {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := Known{Users: map[string]string{}, Groups: map[string]string{}, Channels: map[string]string{}, LabelUsers: label}
	for id, u := range s.users {
		if u.Name != "" {
			k.Users[u.Name] = id
		}
	}
	for _, g := range s.groups {
		if g.Handle != "" {
			k.Groups[g.Handle] = g.ID
		}
	}
	for name, id := range s.channels {
		k.Channels[name] = id
	}
	return k
}

// Encode returns what Slack sends an app (a message or app_mention event's
// text, a slash command's text with should_escape) when a person types
// text, following Slack's formatting reference:
//
//   - "&", "<" and ">" become "&amp;", "&lt;" and "&gt;", and nothing else
//     is escaped;
//   - a typed link is wrapped: "https://a.example/?x=1&y=2" arrives as
//     "<https://a.example/?x=1&amp;y=2>"; a bare domain "a.example.org/x"
//     as "<http://a.example.org/x|a.example.org/x>"; an e-mail address as
//     "<mailto:ana@a.example|ana@a.example>". Trailing punctuation stays
//     outside the link;
//   - "@here", "@channel" and "@everyone" become "<!here>", "<!channel>",
//     "<!everyone>";
//   - "@name" of a known user becomes "<@U…>" ("<@U…|name>" with
//     LabelUsers), of a known user group "<!subteam^S…|@handle>";
//     "#name" of a known channel becomes "<#C…|name>". Unknown names stay
//     plain text.
func (k Known) Encode(text string) string {
	var b strings.Builder
	for i := 0; i < len(text); {
		r, n := utf8.DecodeRuneInString(text[i:])
		if unicode.IsSpace(r) {
			b.WriteString(text[i : i+n])
			i += n
			continue
		}
		j := i
		for j < len(text) {
			r, n := utf8.DecodeRuneInString(text[j:])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		b.WriteString(k.word(text[i:j]))
		i = j
	}
	return b.String()
}

var (
	bareDomainRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]*(\.[A-Za-z0-9-]+)*\.(com|org|net|io|gov|edu|int|info)(/[^<>|]*)?$`)
	emailRE      = regexp.MustCompile(`^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}$`)
	nameRE       = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*`)
)

// trailing is punctuation Slack leaves outside a link or a name.
const trailing = `.,;:!?)]}'"`

// escape is Slack's entity escaping: the three characters only.
func escape(s string) string { return escaper.Replace(s) }

// escaper is built once: a Replacer is safe for concurrent use, and
// building one per word was most of the fake's cost in the benchmarks.
var escaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// word encodes one run of non-space characters. A link may start inside
// it ("url=https://…", "(example.org)"): what comes before stays text.
func (k Known) word(w string) string {
	lower := strings.ToLower(w)
	for _, scheme := range []string{"https://", "http://"} {
		i := strings.Index(lower, scheme)
		if i < 0 {
			continue
		}
		end := strings.IndexAny(w[i:], "<>|")
		if end < 0 {
			end = len(w) - i
		}
		link := strings.TrimRight(w[i:i+end], trailing)
		if len(link) > len(scheme) {
			return escape(w[:i]) + "<" + escape(link) + ">" + k.word(w[i+len(link):])
		}
	}
	core := strings.TrimRight(w, trailing)
	rest := escape(w[len(core):])
	lead := strings.LastIndexAny(core, `=("'[`) + 1
	before, core := escape(core[:lead]), core[lead:]
	switch {
	case core == "":
	case bareDomainRE.MatchString(core):
		return before + "<http://" + escape(core) + "|" + escape(core) + ">" + rest
	case emailRE.MatchString(core):
		return before + "<mailto:" + core + "|" + core + ">" + rest
	case lead == 0 && (strings.HasPrefix(core, "@") || strings.HasPrefix(core, "#")):
		name := nameRE.FindString(core[1:])
		if name == "" {
			break
		}
		after := escape(core[1+len(name):]) + rest
		if core[0] == '#' {
			if id, ok := k.Channels[name]; ok {
				return "<#" + id + "|" + name + ">" + after
			}
			break
		}
		switch name {
		case "here", "channel", "everyone":
			return "<!" + name + ">" + after
		}
		if id, ok := k.Users[name]; ok {
			if k.LabelUsers {
				return "<@" + id + "|" + name + ">" + after
			}
			return "<@" + id + ">" + after
		}
		if id, ok := k.Groups[name]; ok {
			return "<!subteam^" + id + "|@" + name + ">" + after
		}
	}
	return escape(w)
}
