package mrkdwn_test

import (
	"strings"
	"testing"

	"github.com/factdesk/factdesk/bot/slack/mrkdwn"
	"github.com/factdesk/factdesk/bot/slack/slackfake"
)

// Each table: what Slack delivers (from its formatting reference and the
// payloads it documents) → what the person meant.
func checkDecode(t *testing.T, cases map[string]string) {
	t.Helper()
	for in, want := range cases {
		if got := mrkdwn.Decode(in); got != want {
			t.Errorf("Decode(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecodeEntities(t *testing.T) {
	checkDecode(t, map[string]string{
		"Doctors &amp; nurses say 40 people were injured": "Doctors & nurses say 40 people were injured",
		"turnout &lt; 40% &gt; 30%":                       "turnout < 40% > 30%",
		"AT&amp;T &amp;&amp; R&amp;D":                     "AT&T && R&D",
		// A person who typed an entity gets it back as typed.
		"write &amp;amp; for &amp;":   "write &amp; for &",
		"&amp;lt;@U012AB&amp;gt;":     "&lt;@U012AB&gt;",
		"&lt;@U012AB&gt; is not live": "<@U012AB> is not live",
		// Slack escapes only three; anything else is text.
		"caf&eacute; &quot;x&quot; &#39;": "caf&eacute; &quot;x&quot; &#39;",
		"a & b":                           "a & b",
		"&amp":                            "&amp",
	})
}

func TestDecodeLinks(t *testing.T) {
	checkDecode(t, map[string]string{
		"url=<https://example.org/report?id=7&amp;lang=en>":               "url=https://example.org/report?id=7&lang=en",
		"see <http://example.org/x|example.org/x> now":                    "see http://example.org/x now",
		"<https://example.org/report|the UN report>":                      "https://example.org/report",
		"<http://example.org|example.org>":                                "http://example.org",
		"mail <mailto:desk@example.org|desk@example.org>":                 "mail desk@example.org",
		"<mailto:desk@example.org>":                                       "desk@example.org",
		"ingest <https://example.org/a?b=1&amp;c=2&amp;d=%3C3>":           "ingest https://example.org/a?b=1&c=2&d=%3C3",
		"(<https://example.org/x>).":                                      "(https://example.org/x).",
		"<https://example.org/?q=a&amp;b|example.org/?q=a&amp;b> and one": "https://example.org/?q=a&b and one",
	})
}

func TestDecodeMentions(t *testing.T) {
	checkDecode(t, map[string]string{
		"<@U0LAN0Z89> is it everything a river should be?": "@U0LAN0Z89 is it everything a river should be?",
		"assign 12 <@U012AB3CD>":                           "assign 12 @U012AB3CD",
		"assign 12 <@U012AB3CD|rita>":                      "assign 12 @U012AB3CD",
		"ask <@W012AB3CD> (enterprise)":                    "ask @W012AB3CD (enterprise)",
	})
}

func TestDecodeChannels(t *testing.T) {
	checkDecode(t, map[string]string{
		"posted in <#C012AB3CD|desk>":       "posted in #desk",
		"posted in <#C012AB3CD>":            "posted in #C012AB3CD",
		"<#C012AB3CD|general>, <#C2|news>.": "#general, #news.",
	})
}

func TestDecodeUserGroups(t *testing.T) {
	checkDecode(t, map[string]string{
		"ask <!subteam^S012AB3CD|@editors>": "ask @editors",
		"ask <!subteam^S012AB3CD|editors>":  "ask @editors",
		"ask <!subteam^S012AB3CD>":          "ask @S012AB3CD",
	})
}

func TestDecodeSpecials(t *testing.T) {
	checkDecode(t, map[string]string{
		"<!here> the mayor said 40":   "@here the mayor said 40",
		"<!channel> read this":        "@channel read this",
		"<!everyone> read this":       "@everyone read this",
		"<!here|here> older payloads": "@here older payloads",
		"<!here|@here> older too":     "@here older too",
	})
	// Kept as words: the decoded text never holds live markup again.
	for _, in := range []string{"<!here>", "<!channel>", "<!everyone>", "&lt;!channel&gt;"} {
		if out := mrkdwn.Escape(mrkdwn.Decode(in)); strings.Contains(out, "<!") {
			t.Errorf("%q comes back out as %q", in, out)
		}
	}
}

func TestDecodeDates(t *testing.T) {
	checkDecode(t, map[string]string{
		"on <!date^1392734382^{date_short}|Feb 18>":                                     "on Feb 18",
		"<!date^1392734382^Posted {date_num} {time_secs}|Posted 2014-02-18 6:39:42 AM>": "Posted 2014-02-18 6:39:42 AM",
		"<!date^1392734382^{date}^https://example.org/|February 18th, 2014>":            "February 18th, 2014",
		"<!date^1392734382^{date} &amp; {time}|Feb 18 &amp; 6:39>":                      "Feb 18 & 6:39",
	})
}

func TestDecodeMalformed(t *testing.T) {
	checkDecode(t, map[string]string{
		"":              "",
		"a < b":         "a < b",
		"<":             "<",
		"<>":            "",
		"x <@":          "x <@",
		"<!foo>":        "foo",
		"<!foo|bar>":    "bar",
		"40 > 30":       "40 > 30",
		"<@U1> <@U2|b>": "@U1 @U2",
	})
}

// TestEscapeOnce: what goes out is escaped exactly once, and reads back as
// it was.
func TestEscapeOnce(t *testing.T) {
	cases := map[string]string{
		"Doctors & nurses":         "Doctors &amp; nurses",
		"<!channel> <@U1>":         "&lt;!channel&gt; &lt;@U1&gt;",
		"already &amp; escaped":    "already &amp;amp; escaped",
		"plain":                    "plain",
		"\xff<\xfe":                "\xff&lt;\xfe",
		"<https://evil.example|x>": "&lt;https://evil.example|x&gt;",
	}
	for in, want := range cases {
		got := mrkdwn.Escape(in)
		if got != want {
			t.Errorf("Escape(%q) = %q, want %q", in, got, want)
		}
		if back := mrkdwn.Decode(got); back != in {
			t.Errorf("Decode(Escape(%q)) = %q", in, back)
		}
	}
}

// TestFakeEncodesLikeSlack: the fake's encoder, which every Slack test
// goes through, writes the documented forms.
func TestFakeEncodesLikeSlack(t *testing.T) {
	k := slackfake.Known{Users: map[string]string{"rita": "U0RITA"}, Groups: map[string]string{"editors": "S0ED"},
		Channels: map[string]string{"desk": "C0DESK"}}
	cases := map[string]string{
		"Doctors & nurses <3":                         "Doctors &amp; nurses &lt;3",
		"url=https://example.org/report?id=7&lang=en": "url=<https://example.org/report?id=7&amp;lang=en>",
		"see example.org/x.":                          "see <http://example.org/x|example.org/x>.",
		"mail desk@example.org":                       "mail <mailto:desk@example.org|desk@example.org>",
		"@here @channel, @everyone!":                  "<!here> <!channel>, <!everyone>!",
		"assign 12 @rita":                             "assign 12 <@U0RITA>",
		"ask @editors in #desk":                       "ask <!subteam^S0ED|@editors> in <#C0DESK|desk>",
		"ask @nobody in #nowhere":                     "ask @nobody in #nowhere",
		"(https://example.org/a)":                     "(<https://example.org/a>)",
		"url=example.org/x":                           "url=<http://example.org/x|example.org/x>",
		"3.5 or 4.0 million, v1.2":                    "3.5 or 4.0 million, v1.2",
	}
	for in, want := range cases {
		if got := k.Encode(in); got != want {
			t.Errorf("Encode(%q) = %q, want %q", in, got, want)
		}
	}
	k.LabelUsers = true
	if got := k.Encode("assign 12 @rita"); got != "assign 12 <@U0RITA|rita>" {
		t.Errorf("slash command mention = %q", got)
	}
}

// FuzzSlackCodec: whatever a person types, decoding what Slack sends gives
// back what they typed (a bare domain gains the "http://" Slack linked it
// with); and Decode never panics on any input.
func FuzzSlackCodec(f *testing.F) {
	for _, s := range []string{
		"claim Doctors & nurses say 40 people were injured",
		`evidence supports source="UN" figure=140 url=https://example.org/report?id=7&lang=en`,
		"see example.org/x, mail desk@example.org",
		"@here <!channel> &amp; &lt;@U1&gt;",
		"<https://example.org|x> <@U1|a> <#C1|b> <!subteam^S1|@c> <!date^1^{date}|d>",
		"a < b > c & d | e",
		"\xff\xfe&<>",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		_ = mrkdwn.Decode(typed) // any input, markup or not: no panic
		if back := mrkdwn.Decode(mrkdwn.Escape(typed)); back != typed {
			t.Fatalf("Decode(Escape(%q)) = %q", typed, back)
		}
		sent := slackfake.Encode(typed)
		got := mrkdwn.Decode(sent)
		if got == typed {
			return
		}
		if strings.ReplaceAll(got, "http://", "") != strings.ReplaceAll(typed, "http://", "") {
			t.Fatalf("typed %q, Slack sent %q, decoded %q", typed, sent, got)
		}
	})
}
