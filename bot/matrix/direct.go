package matrix

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// DirectRooms finds, or opens once, the desk's direct room with a person,
// for direct notices (workflows.KindDirect). The rooms are remembered where
// Matrix clients remember theirs, in the bot's m.direct account data, so
// every replica and every restart reuses the same room.
type DirectRooms struct {
	Client *mautrix.Client

	mu    sync.Mutex
	known map[id.UserID]id.RoomID
}

// Room returns the direct room with user, creating it (and inviting user)
// when the desk has none. A desk that stops between creating a room and
// recording it opens another next time: one room too many, no notice lost.
func (r *DirectRooms) Room(ctx context.Context, user id.UserID) (id.RoomID, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if room, ok := r.known[user]; ok {
		return room, nil
	}
	direct := event.DirectChatsEventContent{}
	if err := r.Client.GetAccountData(ctx, event.AccountDataDirectChats.Type, &direct); err != nil && !notFound(err) {
		return "", fmt.Errorf("reading m.direct: %w", err)
	}
	if rooms := direct[user]; len(rooms) > 0 {
		r.remember(user, rooms[len(rooms)-1])
		return rooms[len(rooms)-1], nil
	}
	resp, err := r.Client.CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset: "trusted_private_chat", IsDirect: true, Invite: []id.UserID{user},
		Name: "factdesk notices",
	})
	if err != nil {
		return "", fmt.Errorf("opening a direct room with %s: %w", user, err)
	}
	direct[user] = append(direct[user], resp.RoomID)
	if err := r.Client.SetAccountData(ctx, event.AccountDataDirectChats.Type, direct); err != nil {
		return "", fmt.Errorf("recording the direct room with %s: %w", user, err)
	}
	r.remember(user, resp.RoomID)
	return resp.RoomID, nil
}

func (r *DirectRooms) remember(user id.UserID, room id.RoomID) {
	if r.known == nil {
		r.known = map[id.UserID]id.RoomID{}
	}
	r.known[user] = room
}

func notFound(err error) bool {
	var he mautrix.HTTPError
	return errors.Is(err, mautrix.MNotFound) || (errors.As(err, &he) && he.IsStatus(http.StatusNotFound))
}

// directRoom resolves a direct notice's room; rows of other kinds keep
// their channel.
func (d *Deliverer) directRoom(ctx context.Context, del *workflows.Delivery) error {
	if del.Kind != workflows.KindDirect {
		return nil
	}
	if d.Direct == nil {
		return errors.New("direct notices are not set up for Matrix")
	}
	user := id.UserID(del.User)
	if !strings.HasPrefix(del.User, "@") {
		return fmt.Errorf("direct notice to %q: not a Matrix user id", del.User)
	}
	room, err := d.Direct.Room(ctx, user)
	if err != nil {
		return classify(err)
	}
	// The room is the person's own: no mention needed, and a reply has
	// nothing to answer there.
	del.Channel, del.User, del.ThreadRoot = room.String(), "", ""
	return nil
}
