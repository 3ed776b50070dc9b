package matrix

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"maunium.net/go/mautrix/event"
)

func TestUserLevel(t *testing.T) {
	pl := powerLevels{Users: map[string]int64{"@ed:x": 50, "@chief:x": 100}, UsersDefault: 0}
	v10 := createContent{RoomVersion: "10", Creator: "@founder:x", Sender: "@founder:x"}
	v12 := createContent{RoomVersion: "12", Sender: "@founder:x", AdditionalCreators: []string{"@co:x"}}
	cases := []struct {
		user   string
		create createContent
		pl     powerLevels
		want   int64
	}{
		{"@ed:x", v10, pl, 50},
		{"@rita:x", v10, pl, 0},
		{"@rita:x", v10, powerLevels{UsersDefault: 60}, 60},
		{"@founder:x", v10, pl, 0}, // before v12 a creator has only what users lists
		{"@founder:x", v12, pl, math.MaxInt64},
		{"@co:x", v12, pl, math.MaxInt64},
		{"@ed:x", v12, pl, 50},
	}
	for _, tc := range cases {
		if got := UserLevel(tc.user, tc.pl, tc.create); got != tc.want {
			t.Errorf("UserLevel(%s, v%s) = %d, want %d", tc.user, tc.create.RoomVersion, got, tc.want)
		}
	}
}

func TestRoomPowerFromState(t *testing.T) {
	empty := ""
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	state := []stateEvent{
		{Type: "m.room.create", StateKey: &empty, Sender: "@founder:x", Content: raw(`{"room_version":"12"}`)},
		{Type: "m.room.power_levels", StateKey: &empty, Sender: "@founder:x", Content: raw(`{"users":{"@ed:x":50},"users_default":10}`)},
	}
	pl, create, err := roomPower(state)
	if err != nil {
		t.Fatal(err)
	}
	if UserLevel("@founder:x", pl, create) != math.MaxInt64 || UserLevel("@ed:x", pl, create) != 50 || UserLevel("@z:x", pl, create) != 10 {
		t.Errorf("levels from state: pl=%+v create=%+v", pl, create)
	}
	// No power levels event: the creator has 100.
	pl, create, _ = roomPower(state[:1])
	if got := UserLevel("@founder:x", pl, createContent{RoomVersion: "10", Sender: create.Sender}); got != 100 {
		t.Errorf("creator without power levels = %d, want 100", got)
	}
}

func TestCommandText(t *testing.T) {
	b := &Bot{Options: Options{Prefix: "!fd"}, names: []string{"@desk:example.org", "@desk", "desk", "Fact Desk"}}
	cases := []struct {
		body string
		want string
		ok   bool
	}{
		{"!fd claim 300 killed", "claim 300 killed", true},
		{"!FD list", "list", true},
		{"!fd", "help", true},
		{"!fdx list", "", false},
		{"@desk:example.org: show 3", "show 3", true},
		{"@desk show 3", "show 3", true},
		{"desk: show 3", "show 3", true},
		{"Fact Desk, list mine", "list mine", true},
		{"desk is slow today", "", false},
		{"the desk said", "", false},
		{"evidence supports source=x", "", false},
	}
	for _, tc := range cases {
		got, ok := b.command(tc.body)
		if got != tc.want || ok != tc.ok {
			t.Errorf("command(%q) = %q, %v; want %q, %v", tc.body, got, ok, tc.want, tc.ok)
		}
	}
}

func TestStripReplyFallback(t *testing.T) {
	got := stripReplyFallback("> <@rita:x> claim 300\n> more\n\napprove looks right")
	if got != "approve looks right" {
		t.Errorf("got %q", got)
	}
	if got := stripReplyFallback("approve"); got != "approve" {
		t.Errorf("got %q", got)
	}
}

func TestMention(t *testing.T) {
	for typed, want := range map[string]string{
		"@ana:example.org":                     "@ana:example.org",
		"https://matrix.to/#/@ana:example.org": "@ana:example.org",
		"<@ana:example.org>":                   "@ana:example.org",
		"@ana:example.org:8448":                "@ana:example.org:8448",
		"ana":                                  "",
		"@ana":                                 "",
		"@Ana Smith:example.org":               "",
		"matrix:u/ana:example.org":             "@ana:example.org",
		"<matrix:u/ana:example.org>":           "@ana:example.org",
	} {
		got, ok := Mention(typed)
		if got != want || ok != (want != "") {
			t.Errorf("Mention(%q) = %q, %v; want %q", typed, got, ok, want)
		}
	}
}

func TestInviteAllowed(t *testing.T) {
	b := &Bot{Options: Options{AllowInvites: []string{":newsroom.org", "@freelancer:gmail.example"}}}
	for user, want := range map[string]bool{
		"@ana:newsroom.org":         true,
		"@freelancer:gmail.example": true,
		"@other:gmail.example":      false,
		"@ana:evil-newsroom.org":    false,
		"":                          false,
	} {
		if got := b.inviteAllowed(user); got != want {
			t.Errorf("inviteAllowed(%q) = %v, want %v", user, got, want)
		}
	}
}

func TestCommandBody(t *testing.T) {
	const ana = `<a href="https://matrix.to/#/@ana:example.org">Ana</a>`
	html := func(body, formatted string) *event.MessageEventContent {
		return &event.MessageEventContent{MsgType: event.MsgText, Body: body, Format: event.FormatHTML, FormattedBody: formatted}
	}
	cases := []struct {
		name string
		m    *event.MessageEventContent
		want string
	}{
		{"plain", &event.MessageEventContent{Body: "assign 12 @ana:example.org"}, "assign 12 @ana:example.org"},
		{"plain reply", &event.MessageEventContent{Body: "> <@rita:x> claim 300\n\napprove"}, "approve"},
		// Without a pill the body is read, markdown and all.
		{"html without pills", html("claim 300 **killed**", "claim 300 <strong>killed</strong>"), "claim 300 **killed**"},
		{"html link, no pill", html("read https://example.org/story", `read <a href="https://example.org/story">the story</a>`),
			"read https://example.org/story"},
		{"empty formatted body", html("assign 12 Ana", ""), "assign 12 Ana"},
		{"not html", &event.MessageEventContent{Body: "assign 12 Ana", FormattedBody: "assign 12 " + ana}, "assign 12 Ana"},
		{"pill", html("assign 12 Ana", "assign 12 "+ana), "assign 12 @ana:example.org"},
		{"encoded pill with via", html("assign 12 Ana",
			`assign 12 <a href="https://matrix.to/#/%40ana%3Aexample.org?via=example.org&amp;via=other.org">Ana</a>`),
			"assign 12 @ana:example.org"},
		{"upper-case tag", html("assign 12 Ana", `assign 12 <A HREF="https://matrix.to/#/@ana:example.org">Ana</A>`),
			"assign 12 @ana:example.org"},
		{"reply", html("> <@rita:x> claim 300 killed\n\nassign 12 Ana",
			`<mx-reply><blockquote><a href="https://matrix.to/#/!room:x/$ev?via=x">In reply to</a> `+
				`<a href="https://matrix.to/#/@rita:x">@rita:x</a><br>claim 300 killed</blockquote></mx-reply>assign 12 `+ana),
			"assign 12 @ana:example.org"},
		// A pill in the quoted message alone is no reason to read the HTML.
		{"pill only in reply", html("> <@rita:x> claim 300\n\napprove _now_",
			`<mx-reply><blockquote><a href="https://matrix.to/#/@rita:x">@rita:x</a><br>claim 300</blockquote></mx-reply>approve <em>now</em>`),
			"approve _now_"},
		{"entities", html(`claim 300 "killed" & injured <sic>, says Ana`,
			`claim 300 &quot;killed&quot; &amp; injured &lt;sic&gt;, says `+ana),
			`claim 300 "killed" & injured <sic>, says @ana:example.org`},
		{"typographic quotes", html("claim 300 “killed” ‘sic’ — Ana", "claim 300 “killed” ‘sic’ — "+ana),
			"claim 300 “killed” ‘sic’ — @ana:example.org"},
		{"other links keep their text", html("assign 12 Ana, see Desk and the story",
			`assign 12 `+ana+`, see <a href="https://matrix.to/#/#desk:example.org">Desk</a> and <a href="https://example.org/s">the story</a>`),
			"assign 12 @ana:example.org, see Desk and the story"},
		{"breaks and blocks", html("", `<p>assign 12 `+ana+`</p><p>note<br>two<br/>three</p><ul><li>a</li><li>b</li></ul><div>end</div>`),
			"assign 12 @ana:example.org\nnote\ntwo\nthree\na\nb\nend"},
		{"matrix: URI pill", html("assign 12 Ana", `assign 12 <a href="matrix:u/ana:example.org?action=chat">Ana</a>`),
			"assign 12 @ana:example.org"},
		{"addressed with a pill", html("factdesk: assign 3 Ana",
			`<a href="https://matrix.to/#/@factdesk:localhost">factdesk</a>: assign 3 `+ana),
			"@factdesk:localhost: assign 3 @ana:example.org"},
	}
	for _, tc := range cases {
		got := commandBody(tc.m)
		if got != tc.want {
			t.Errorf("%s: commandBody = %q, want %q", tc.name, got, tc.want)
		}
		// The router must take every id the HTML turned into.
		for _, w := range strings.Fields(got) {
			if u := strings.TrimRight(w, ":,"); strings.HasPrefix(u, "@") {
				if m, ok := Mention(u); !ok || m != u {
					t.Errorf("%s: Mention(%q) = %q, %v", tc.name, u, m, ok)
				}
			}
		}
	}
}

func TestCommandBodyAddressed(t *testing.T) {
	b := &Bot{names: []string{"@factdesk:localhost", "@factdesk", "factdesk"}}
	m := &event.MessageEventContent{MsgType: event.MsgText, Body: "factdesk: assign 3 Ana", Format: event.FormatHTML,
		FormattedBody: `<a href="https://matrix.to/#/@factdesk:localhost">factdesk</a>: assign 3 <a href="https://matrix.to/#/@ana:example.org">Ana</a>`}
	got, ok := b.command(commandBody(m))
	if got != "assign 3 @ana:example.org" || !ok {
		t.Errorf("command(commandBody) = %q, %v; want %q, true", got, ok, "assign 3 @ana:example.org")
	}
}

func TestPillUser(t *testing.T) {
	for href, want := range map[string]string{
		"https://matrix.to/#/@ana:example.org":                         "@ana:example.org",
		"https://matrix.to/#/%40ana%3Aexample.org?via=example.org":     "@ana:example.org",
		"https://matrix.to/#/@ana:example.org:8448":                    "@ana:example.org:8448",
		"https://matrix.to/#/#desk:example.org":                        "",
		"https://matrix.to/#/!room:example.org/$event?via=example.org": "",
		"https://example.org/#/@ana:example.org":                       "",
		"https://matrix.to/#/%zz":                                      "",
		"https://matrix.to/#/@Ana%20Smith:example.org":                 "",
		"matrix:u/ana:example.org":                                     "@ana:example.org",
		"matrix:u/ana:example.org?action=chat":                         "@ana:example.org",
		"MATRIX:u/ana%3Aexample.org":                                   "@ana:example.org",
		"matrix:u/ana:example.org:8448":                                "@ana:example.org:8448",
		"matrix:r/desk:example.org":                                    "",
		"matrix:roomid/abc:example.org/e/def":                          "",
		"matrix:u/Ana Smith:example.org":                               "",
		"":                                                             "",
	} {
		got, ok := pillUser(href)
		if got != want || ok != (want != "") {
			t.Errorf("pillUser(%q) = %q, %v; want %q", href, got, ok, want)
		}
		if m, mok := Mention(got); ok && (!mok || m != got) {
			t.Errorf("Mention(pillUser(%q)) = %q, %v", href, m, mok)
		}
	}
}

func TestReplaceWord(t *testing.T) {
	for _, tc := range []struct{ s, word, want string }{
		{"assign 12 Ana", "Ana", "assign 12 @ana:x"},
		{"assign 12 @Ana", "@Ana", "assign 12 @ana:x"},
		{"assign 12 Ana Ruiz", "Ana Ruiz", "assign 12 @ana:x"},
		{"assign 12 Anabel", "Ana", "assign 12 Anabel"},
		{"assign 12 @Ana:example.org", "Ana", "assign 12 @Ana:example.org"},
		{"list assigned:Ana.", "Ana", "list assigned:@ana:x."},
		{"Ana, Ana and Banana", "Ana", "@ana:x, @ana:x and Banana"},
		{"assign 12 Ana", "", "assign 12 Ana"},
	} {
		if got := replaceWord(tc.s, tc.word, "@ana:x"); got != tc.want {
			t.Errorf("replaceWord(%q, %q) = %q, want %q", tc.s, tc.word, got, tc.want)
		}
	}
}
