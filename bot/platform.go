package bot

import (
	"context"
	"net/http"

	"github.com/factdesk/factdesk/workflows"
)

// Platform is what every chat platform gives the wiring, and all it must
// give: its name (the platform string stored on events, outbox rows and
// actor keys), its message limits, delivery of its outbox rows, and Run,
// which receives until ctx ends. Anything more a platform can do it offers
// through the optional one-method interfaces below, which the wiring finds
// by type assertion (as mautrix bridgev2's network interfaces are found).
// Adding a platform is one package under bot/ with one constructor that
// returns a Platform, and one line in cmd/factdesk.
type Platform interface {
	Name() string
	Limits() workflows.Limits
	workflows.Deliverer
	Run(ctx context.Context) error
}

// Connector is a platform whose first contact (a credential check, a
// login) can fail while the platform is unreachable. The wiring calls
// Connect until it succeeds, backing off, before Run; an error that is a
// *RejectedCredential stops the desk instead.
type Connector interface {
	Connect(ctx context.Context) error
}

// StatusReporter says whether a connected platform is working, for /readyz.
type StatusReporter interface {
	Status() (ready bool, detail string)
}

// MentionParser reads a mention as the platform writes it ("@U123",
// "@ana:example.org") into the platform's user id, without asking the
// platform.
type MentionParser interface {
	ParseMention(typed string) (id string, ok bool)
}

// MentionResolver asks the platform who a typed name is (a handle, a user
// id it may not know); its error is the answer the user gets. The router
// asks it instead of the MentionParser when both are offered.
type MentionResolver interface {
	ResolveMention(ctx context.Context, typed string) (id string, err error)
}

// RoleSource says who is an editor from the platform's own data (a Slack
// user group, Matrix power levels), besides the config's editors list.
type RoleSource interface {
	Roles() workflows.Roles
}

// PeopleNamer gives people's display names for messages.
type PeopleNamer interface {
	PeopleNames() workflows.Names
}

// DirectNotifier can tell a person something privately (a direct message),
// so the engine sends direct notices on this platform.
type DirectNotifier interface {
	DirectNotices() bool
}

// HTTPMounter serves requests the platform sends the desk (Slack's HTTP
// mode) on the run command's server.
type HTTPMounter interface {
	Mount(mux *http.ServeMux)
}

// Orderer says within what the platform's events must keep the order they
// came in (a person's, a room's): its pool takes turns by that key, and the
// inbox sweep handles events of different keys at once (Router.Order). A
// platform that is no Orderer has its swept events handled one at a time.
type Orderer interface {
	OrderKey(ev workflows.Inbound) string
}

// HelpAdder adds to help what is particular to the platform: its own
// commands (the terminal's "as NAME") and how a command is typed there.
type HelpAdder interface {
	Help() PlatformHelp
}
