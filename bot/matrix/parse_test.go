package matrix

import (
	"encoding/json"
	"math"
	"testing"
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
