package matrix

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"maunium.net/go/mautrix/event"
)

// commandBody is the text of a message to read a command from. Element
// sends a mention ("pill") as a matrix.to link in formatted_body and puts
// only the display name in body, so "assign 12 Ana" names no user: when the
// HTML has a user pill, the command is read from the HTML with each pill as
// its user id. Without one the plain body is as good and is what other
// clients type.
func commandBody(m *event.MessageEventContent) string {
	if m.Format == event.FormatHTML {
		if text, pills := htmlCommand(m.FormattedBody); pills {
			return text
		}
	}
	return stripReplyFallback(m.Body)
}

// htmlCommand turns formatted_body into plain text: user pills become user
// ids, the reply fallback is dropped, line breaks and block ends become
// newlines, other tags leave their text. It reports whether there was a
// user pill outside the reply fallback.
func htmlCommand(formatted string) (string, bool) {
	z := html.NewTokenizer(strings.NewReader(formatted))
	var sb strings.Builder
	pills := false
	reply := 0      // depth inside <mx-reply>
	inPill := false // inside a pill's link text, which is a display name
	for {
		switch z.Next() {
		case html.ErrorToken: // io.EOF: the tokenizer reads from a string
			return strings.TrimSpace(sb.String()), pills
		case html.TextToken:
			if reply == 0 && !inPill {
				sb.Write(z.Text()) // Text unescapes entities
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "mx-reply":
				reply++
			case "br":
				if reply == 0 && !inPill {
					sb.WriteByte('\n')
				}
			case "a":
				if user, ok := pillUser(attr(z, "href")); ok && reply == 0 {
					sb.WriteString(user)
					pills, inPill = true, true
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "mx-reply":
				reply = max(reply-1, 0)
			case "a":
				inPill = false
			case "p", "div", "li", "blockquote":
				if reply == 0 {
					sb.WriteByte('\n')
				}
			}
		}
	}
}

// attr is the value of the current tag's attribute key, unescaped.
func attr(z *html.Tokenizer, key string) string {
	for {
		k, v, more := z.TagAttr()
		if string(k) == key {
			return string(v)
		}
		if !more {
			return ""
		}
	}
}

// pillUser is the user id a user link in formatted_body points to. Clients
// write it as a matrix.to link, https://matrix.to/#/%40ana%3Aexample.org
// (Element, with ?via=… sometimes), or as a matrix: URI,
// matrix:u/ana:example.org (the spec's "Matrix URI scheme", with an
// optional ?action=chat). Links to rooms, events and elsewhere are no
// pills.
func pillUser(href string) (string, bool) {
	var user string
	if rest, ok := strings.CutPrefix(href, "https://matrix.to/#/"); ok {
		rest, _, _ = strings.Cut(rest, "?")
		rest, _, _ = strings.Cut(rest, "/") // a user link has no event part
		u, err := url.PathUnescape(rest)
		if err != nil {
			return "", false
		}
		user = u
	} else if rest, ok := cutPrefixFold(href, "matrix:u/"); ok {
		rest, _, _ = strings.Cut(rest, "?")
		rest, _, _ = strings.Cut(rest, "#")
		u, err := url.PathUnescape(rest)
		if err != nil {
			return "", false
		}
		user = "@" + u
	}
	if !userIDPattern.MatchString(user) {
		return "", false
	}
	return user, true
}

func cutPrefixFold(s, prefix string) (string, bool) {
	if len(s) < len(prefix) || !strings.EqualFold(s[:len(prefix)], prefix) {
		return "", false
	}
	return s[len(prefix):], true
}
