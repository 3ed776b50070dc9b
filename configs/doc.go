// Package configs holds factdesk's example configuration, embedded so the
// binary can print it and a test can check it against the code.
package configs

import _ "embed"

// Example is configs/factdesk.example.yaml: every key with its default.
//
//go:embed factdesk.example.yaml
var Example []byte
