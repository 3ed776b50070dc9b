package matrix

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// People looks Matrix users up on the bot's homeserver.
type People struct {
	Client *mautrix.Client
}

// Resolve turns a user as typed into a user id the homeserver knows, for
// bot.Router.Resolve (assign, list assigned:). A typed name that is no
// user id, or an id whose profile the homeserver does not have (GET
// /profile/{userId} answers 404 M_NOT_FOUND, or another 4xx for a server
// it cannot ask), is refused with EINVALID; a homeserver that does not
// answer is an internal error.
func (p People) Resolve(ctx context.Context, typed string) (string, error) {
	user, ok := Mention(typed)
	if !ok {
		return "", workflows.Errorf(workflows.EINVALID,
			"%q is not a Matrix user; mention them, or write their full id, e.g. @ana:example.org", workflows.Shorten(typed, 60))
	}
	if _, err := p.Client.GetProfile(ctx, id.UserID(user)); err != nil {
		var httpErr mautrix.HTTPError
		if errors.As(err, &httpErr) && httpErr.Response != nil &&
			httpErr.Response.StatusCode >= 400 && httpErr.Response.StatusCode < 500 && httpErr.Response.StatusCode != http.StatusTooManyRequests {
			return "", workflows.Errorf(workflows.EINVALID, "%s is not a user the homeserver knows; check the id", user)
		}
		return "", fmt.Errorf("looking up %s: %w", user, err)
	}
	return user, nil
}

// byName rewrites, in a command's text, the display names of the users an
// event's m.mentions names into their user ids. Clients that mention by
// m.mentions may leave only the display name in the body ("assign 12
// Ana", as in the spec's own example, body "Hello Alice!" with user_ids
// ["@alice:example.org"]), which names nobody the desk can assign. The bot
// itself, and users whose id the text already has, are left alone; a name
// is replaced where it stands as a whole word, with or without "@".
func (b *Bot) byName(ctx context.Context, room id.RoomID, m *event.MessageEventContent, text string) string {
	if m.Mentions == nil {
		return text
	}
	for _, user := range m.Mentions.UserIDs {
		if user == b.Client.UserID || strings.Contains(text, user.String()) {
			continue
		}
		name := b.displayName(ctx, room, user)
		if name == "" {
			continue
		}
		text = replaceWord(text, "@"+name, user.String())
		text = replaceWord(text, name, user.String())
	}
	return text
}

// displayName is a user's name in a room (their member event), else in
// their profile; "" when neither is known.
func (b *Bot) displayName(ctx context.Context, room id.RoomID, user id.UserID) string {
	var member event.MemberEventContent
	if err := b.Client.StateEvent(ctx, room, event.StateMember, user.String(), &member); err == nil && member.Displayname != "" {
		return member.Displayname
	}
	if resp, err := b.Client.GetDisplayName(ctx, user); err == nil {
		return resp.DisplayName
	}
	return ""
}

// replaceWord replaces each whole-word occurrence of word in s: one not
// inside a longer word or user id.
func replaceWord(s, word, with string) string {
	if word == "" {
		return s
	}
	var b strings.Builder
	for {
		i := strings.Index(s, word)
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		before, _ := utf8.DecodeLastRuneInString(s[:i])
		after, _ := utf8.DecodeRuneInString(s[i+len(word):])
		whole := (i == 0 || !wordRune(before) && before != '@') && (i+len(word) == len(s) || !wordRune(after) && after != ':')
		b.WriteString(s[:i])
		if whole {
			b.WriteString(with)
		} else {
			b.WriteString(word)
		}
		s = s[i+len(word):]
	}
}

func wordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' }
