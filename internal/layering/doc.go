// Package layering holds no code, only the test that keeps factdesk's layers
// apart (see ../../../shared/STYLE.md's "Shape" and the README's "How it fits
// together"):
//
//   - workflows/ (the core) imports no bot/, storage/, cmd/ or internal/
//     package and no chat, database or HTTP SDK, and does no network I/O
//     (it imports neither net nor net/http nor os/exec);
//   - bot/ (the neutral chat layer) imports no platform package, no storage
//     and no SDK;
//   - a platform package under bot/ never imports another;
//   - storage/ imports no bot/ or cmd/ package and no chat SDK.
//
// Wiring all of them together is cmd/factdesk's job alone.
package layering
