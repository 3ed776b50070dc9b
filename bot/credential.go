package bot

import "fmt"

// RejectedCredential is a platform's refusal of a credential the desk was
// configured with (Slack `invalid_auth`, Matrix `M_UNKNOWN_TOKEN`).
// Retrying cannot help: an operator has to fix the config key Key, so the
// desk stops and names it. Errors that may pass (a refused connection, a
// 5xx, a rate limit) are never of this type.
type RejectedCredential struct {
	// Key is the config key holding the credential, e.g. slack.bot_token.
	Key string
	// Reason is the platform's error code, e.g. invalid_auth.
	Reason string
	Err    error
}

func (e *RejectedCredential) Error() string {
	return fmt.Sprintf("%s was rejected (%s)", e.Key, e.Reason)
}

func (e *RejectedCredential) Unwrap() error { return e.Err }
