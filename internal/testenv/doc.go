// Package testenv gives tests access to the real services that
// scripts/testenv/up.sh starts on 127.0.0.1: a throwaway PostgreSQL cluster
// and a Matrix homeserver (Dendrite).
//
// up.sh writes the connection details to .testenv at the repository root;
// `make test` loads that file before running go test. The variables are:
//
//	FACTDESK_TEST_PG_DSN              postgres://…/factdesk_test?sslmode=disable
//	FACTDESK_TEST_MATRIX_URL          http://127.0.0.1:58008
//	FACTDESK_TEST_MATRIX_SECRET       shared secret for /_synapse/admin/v1/register
//	FACTDESK_TEST_MATRIX_SERVER_NAME  the homeserver's server name
//
// When a variable is missing, the helpers skip the test with a hint, except
// under CI (CI=true), where a missing service is a failure: CI must never
// pass by skipping.
//
// Services are shared by every test package and may be reused across runs,
// so tests isolate themselves: FreshPostgresSchema gives each test its own
// schema, and UniqueLocalpart gives each Matrix user a name not seen before.
package testenv
