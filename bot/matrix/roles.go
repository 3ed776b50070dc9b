package matrix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/factdesk/factdesk/workflows"
)

// PowerRoles makes editors of the users whose power level in the room is
// at least Level (workflows.Roles). It reads the room's two events that
// decide it on every question (never the whole state, mostly members in a
// large room): decisions are rare, and a demotion must count at once.
type PowerRoles struct {
	Client *mautrix.Client
	Level  int
}

// IsEditor implements workflows.Roles.
func (p PowerRoles) IsEditor(ctx context.Context, actor workflows.Actor, channel string) (bool, error) {
	if actor.Platform != Platform || channel == "" {
		return false, nil
	}
	var state []stateEvent
	for _, typ := range []event.Type{event.StateCreate, event.StatePowerLevels} {
		ev, err := p.Client.FullStateEvent(ctx, id.RoomID(channel), typ, "")
		if errors.Is(err, mautrix.MNotFound) {
			continue // a room without power levels: roomPower knows the default
		}
		if err != nil {
			return false, err
		}
		key := ""
		state = append(state, stateEvent{Type: typ.Type, StateKey: &key, Sender: ev.Sender.String(), Content: ev.Content.VeryRaw})
	}
	pl, create, err := roomPower(state)
	if err != nil {
		return false, err
	}
	return UserLevel(actor.ID, pl, create) >= int64(p.Level), nil
}

// stateEvent is one state event of a room.
type stateEvent struct {
	Type     string          `json:"type"`
	StateKey *string         `json:"state_key"`
	Sender   string          `json:"sender"`
	Content  json.RawMessage `json:"content"`
}

// roomPower picks the power levels and the create event out of a room's state.
func roomPower(state []stateEvent) (powerLevels, createContent, error) {
	var pl powerLevels
	var create createContent
	havePL := false
	for _, ev := range state {
		if ev.StateKey == nil || *ev.StateKey != "" {
			continue
		}
		switch ev.Type {
		case event.StateCreate.Type:
			if err := json.Unmarshal(ev.Content, &create); err != nil {
				return pl, create, fmt.Errorf("reading m.room.create: %w", err)
			}
			create.Sender = ev.Sender
		case event.StatePowerLevels.Type:
			if err := json.Unmarshal(ev.Content, &pl); err != nil {
				return pl, create, fmt.Errorf("reading m.room.power_levels: %w", err)
			}
			havePL = true
		}
	}
	if !havePL {
		// No power levels event: the creator has 100, everyone else 0.
		creator := create.Creator
		if creator == "" {
			creator = create.Sender
		}
		pl = powerLevels{Users: map[string]int64{creator: 100}}
	}
	return pl, create, nil
}

// powerLevels is the part of m.room.power_levels that says who may decide.
type powerLevels struct {
	Users        map[string]int64 `json:"users"`
	UsersDefault int64            `json:"users_default"`
}

// createContent is the part of m.room.create that names creators. Since
// room version 11 the creator is the create event's sender, not a field.
type createContent struct {
	Creator            string   `json:"creator"`
	RoomVersion        string   `json:"room_version"`
	AdditionalCreators []string `json:"additional_creators"`
	Sender             string   `json:"-"`
}

// UserLevel is a user's power level: users[id] else users_default. In room
// version 12 (and later) the room's creators have unlimited power and are
// not listed.
func UserLevel(user string, pl powerLevels, create createContent) int64 {
	if creatorsUnlimited(create.RoomVersion) {
		if user == create.Sender || user == create.Creator {
			return math.MaxInt64
		}
		for _, c := range create.AdditionalCreators {
			if c == user {
				return math.MaxInt64
			}
		}
	}
	if lvl, ok := pl.Users[user]; ok {
		return lvl
	}
	return pl.UsersDefault
}

func creatorsUnlimited(version string) bool {
	if n, err := strconv.Atoi(version); err == nil {
		return n >= 12
	}
	// The unstable version of v12 (org.matrix.hydra.11) gave creators the same power.
	return strings.Contains(version, "hydra")
}

// userIDPattern is a Matrix user id as typed, possibly inside a matrix.to
// link or an HTML pill.
var userIDPattern = regexp.MustCompile(`^@[a-z0-9._=\-/+]+:[A-Za-z0-9.\-]+(:[0-9]+)?$`)

// Mention turns a user as typed into a user id, for bot.Router.Mentions:
// "@ana:example.org", a matrix.to link or a matrix:u/ URI (see pillUser),
// possibly in <angle brackets>.
func Mention(typed string) (string, bool) {
	s := strings.Trim(strings.TrimSpace(typed), "<>")
	if u, ok := pillUser(s); ok {
		return u, true
	}
	if !userIDPattern.MatchString(s) {
		return "", false
	}
	return s, true
}
