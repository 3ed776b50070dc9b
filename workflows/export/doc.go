// Package export writes the desk's claims and audit trail in the formats a
// newsroom takes them elsewhere: CSV for spreadsheets, JSON lines for
// scripts, schema.org ClaimReview JSON-LD for fact-check partners and
// search engines, and the audit log as JSON lines for the newsroom's
// records.
//
// It owns the formats and the mapping of the desk's verdict to a
// ClaimReview rating. It declares the Source it reads from (storage
// implements it, streaming) and writes to an io.Writer only: no files, no
// network, no database. It imports the standard library and workflows,
// never bot/, storage/ or cmd/.
package export
