// Package bottest is an in-memory chat platform for tests, in the manner of
// go-joe's joetest: people say things in channels and threads, the real
// Router and Engine handle them on a real SQLite file, and the real
// Dispatcher delivers what the desk would send to a recorder the test reads.
// Nothing waits on time: Say returns once the event is handled and every
// message it caused is delivered.
//
// It is a test kit: it imports storage (a real database) and internal test
// helpers, which the neutral bot package never does.
package bottest
