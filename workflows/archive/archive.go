package archive

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"
	"unicode/utf8"

	"github.com/factdesk/factdesk/workflows"
)

// Fetcher is the desk's safe fetcher (the one article ingest uses, see
// workflows.PageFetcher): it refuses internal addresses at dial time and on
// every redirect, and caps bytes, redirects and time. A page with any HTTP
// status is a page, not an error. Errors wrapped with Refused will not
// succeed on a retry (a refused address, a malformed link); others may.
type Fetcher = workflows.PageFetcher

// Saver asks a public web archive to keep its own copy of a page.
type Saver interface {
	// Save returns the address of the archive's copy of url. Its errors
	// are short sentences a card can show.
	Save(ctx context.Context, url string) (string, error)
}

type refusedError struct{ err error }

func (e refusedError) Error() string { return e.err.Error() }
func (e refusedError) Unwrap() error { return e.err }

// Refused marks err as one no retry can cure.
func Refused(err error) error { return refusedError{err} }

// IsRefused reports whether err was marked with Refused.
func IsRefused(err error) bool {
	var r refusedError
	return errors.As(err, &r)
}

// Job is one pending archive job: the evidence and the link to fetch.
type Job struct {
	EvidenceID int64
	ClaimID    int64
	URL        string
	Attempts   int
}

// Recheck is one fetch-again of an archived link and what it found.
type Recheck struct {
	EvidenceID int64
	At         time.Time
	Actor      string // actor key
	Outcome    Outcome
	Status     int
	SHA256     string
	FinalURL   string
	Detail     string
}

// Outcome is what a recheck found, compared with the snapshot.
type Outcome string

const (
	Unchanged Outcome = "unchanged" // the same bytes, or the same readable text
	Changed   Outcome = "changed"   // the readable text differs
	Vanished  Outcome = "vanished"  // the page answers 404 or 410
	// Unreachable: the fetch failed in a way that says nothing about the page.
	Unreachable Outcome = "unreachable"
)

// Store is what archiving needs from the database. storage.DB implements it.
type Store interface {
	// LeaseArchiveJobs takes up to limit due pending jobs for owner until
	// now+lease, oldest due first. Jobs leased by a dead owner become due
	// again when the lease ends.
	LeaseArchiveJobs(ctx context.Context, owner string, now time.Time, lease time.Duration, limit int) ([]Job, error)
	// RecentSnapshot returns the newest archived snapshot of url fetched
	// at or after since, with its text. ENOTFOUND: there is none.
	RecentSnapshot(ctx context.Context, url string, since time.Time) (*workflows.Snapshot, error)
	// FinishArchive stores the outcome of a job owner holds: s.State is
	// Archived or ArchiveFailed. ECONFLICT: owner no longer holds it.
	FinishArchive(ctx context.Context, owner string, s workflows.Snapshot) error
	// RetryArchive releases a job owner holds, to be tried again at next.
	RetryArchive(ctx context.Context, evidenceID int64, owner string, next time.Time, reason string) error
	// Snapshot returns an evidence's snapshot with its text. ENOTFOUND:
	// the evidence has nothing archived or pending.
	Snapshot(ctx context.Context, evidenceID int64) (*workflows.Snapshot, error)
	// AddRecheck records a recheck.
	AddRecheck(ctx context.Context, r Recheck) error
}

// DefaultTextCap is the most readable text kept per page, in bytes of
// UTF-8: 64 KiB holds a long news article (a 5,000-word piece is about
// 30 KiB) while a year of a busy desk stays small; see the README.
const DefaultTextCap = 64 << 10

// Capture turns a fetched page into a snapshot fetched at `at`: the
// SHA-256 of the body as served (up to the fetcher's byte cap), and the
// title and readable text the fetcher found, the text cut at textCap bytes
// on a character boundary.
func Capture(p *workflows.Page, at time.Time, textCap int) workflows.Snapshot {
	sum := sha256.Sum256(p.Body)
	s := workflows.Snapshot{FinalURL: p.FinalURL, Status: p.Status, ContentType: p.ContentType,
		FetchedAt: at, SHA256: hex.EncodeToString(sum[:]), Title: p.Title, Text: p.Text}
	if textCap <= 0 {
		textCap = DefaultTextCap
	}
	if len(s.Text) > textCap {
		cut := textCap
		for cut > 0 && !utf8.RuneStart(s.Text[cut]) {
			cut--
		}
		s.Text, s.Truncated = s.Text[:cut], true
	}
	return s
}

// Backoff is how long the Worker waits before attempt n+1 after n failed
// attempts; after MaxAttempts it gives up.
var Backoff = []time.Duration{time.Minute, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 12 * time.Hour}

// MaxAttempts bounds the tries of one job: about 15 hours of retries.
var MaxAttempts = len(Backoff) + 1

// ReuseWithin: a link added again within this time of its last archiving
// shares that snapshot rather than being fetched again.
const ReuseWithin = time.Hour

// Worker fetches pending archive jobs. Run it in one goroutine per process;
// several processes share the jobs through leases.
type Worker struct {
	Store   Store
	Fetcher Fetcher
	// Saver, when set, also asks a web archive for a copy; its failure
	// does not fail the job, it is noted beside the snapshot.
	Saver  Saver
	Clock  workflows.Clock
	Logger *slog.Logger
	// Owner names this process in leases.
	Owner string
	// TextCap is the most text kept per page (DefaultTextCap when 0).
	TextCap int
	// Lease is how long a job stays with this worker (2 minutes when 0):
	// longer than a fetch and a Save Page Now capture take.
	Lease time.Duration
	// Poll is how often Run looks for due jobs without a Kick (30 s when 0).
	Poll time.Duration
	// Archived, when set, is called after a snapshot is stored, to refresh
	// the claim's cards.
	Archived func(ctx context.Context, claimID int64)

	kick chan struct{}
}

func (w *Worker) lease() time.Duration {
	if w.Lease > 0 {
		return w.Lease
	}
	return 2 * time.Minute
}

func (w *Worker) kicks() chan struct{} {
	if w.kick == nil {
		w.kick = make(chan struct{}, 1)
	}
	return w.kick
}

// Init prepares the worker before Kick and Run are used from several
// goroutines.
func (w *Worker) Init() { w.kicks() }

// Kick asks Run to look for jobs now (after a commit that added evidence).
// It never blocks.
func (w *Worker) Kick() {
	select {
	case w.kicks() <- struct{}{}:
	default:
	}
}

// Run archives due jobs until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	poll := w.Poll
	if poll <= 0 {
		poll = 30 * time.Second
	}
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if _, err := w.Drain(ctx); err != nil && ctx.Err() == nil {
			w.Logger.Error("archiving evidence", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		case <-w.kicks():
		}
	}
}

// Drain archives every job due now and returns how many it finished
// (archived, failed or put back for a retry).
func (w *Worker) Drain(ctx context.Context) (int, error) {
	done := 0
	for {
		jobs, err := w.Store.LeaseArchiveJobs(ctx, w.Owner, w.Clock.Now(), w.lease(), 8)
		if err != nil || len(jobs) == 0 {
			return done, err
		}
		for _, j := range jobs {
			if err := w.process(ctx, j); err != nil {
				return done, err
			}
			done++
		}
	}
}

// process fetches one job's page (or reuses a fresh snapshot of the same
// link) and stores the outcome.
func (w *Worker) process(ctx context.Context, j Job) error {
	log := w.Logger.With("claim_id", j.ClaimID, "evidence_id", j.EvidenceID)
	now := w.Clock.Now()
	if prev, err := w.Store.RecentSnapshot(ctx, j.URL, now.Add(-ReuseWithin)); err == nil {
		s := *prev
		s.EvidenceID, s.ClaimID, s.URL, s.State = j.EvidenceID, j.ClaimID, j.URL, workflows.Archived
		return w.finish(ctx, s)
	} else if workflows.ErrorCode(err) != workflows.ENOTFOUND {
		return err
	}
	page, err := w.Fetcher.FetchPage(ctx, j.URL)
	if page == nil {
		page = &workflows.Page{}
	}
	if err == nil && !page.OK() {
		err = statusError(page.Status)
		if !transientStatus(page.Status) {
			err = Refused(err)
		}
	}
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err() // shutting down: the lease runs out and the job comes back
		}
		reason := Reason(err)
		log.Info("archiving failed", "attempt", j.Attempts+1, "err", err)
		if IsRefused(err) || j.Attempts+1 >= MaxAttempts {
			return w.finish(ctx, workflows.Snapshot{EvidenceID: j.EvidenceID, ClaimID: j.ClaimID, URL: j.URL,
				State: workflows.ArchiveFailed, Error: reason, FetchedAt: now, Status: page.Status, FinalURL: page.FinalURL})
		}
		return w.Store.RetryArchive(ctx, j.EvidenceID, w.Owner, now.Add(Backoff[min(j.Attempts, len(Backoff)-1)]), reason)
	}
	s := Capture(page, now, w.TextCap)
	s.EvidenceID, s.ClaimID, s.URL, s.State = j.EvidenceID, j.ClaimID, j.URL, workflows.Archived
	if w.Saver != nil {
		if s.ArchiveURL, err = w.Saver.Save(ctx, j.URL); err != nil {
			log.Warn("the web archive did not save the page", "err", err)
			// A Saver's errors are sentences for the card (see Saver).
			s.Error = workflows.Shorten(err.Error(), 200)
		}
	}
	return w.finish(ctx, s)
}

func (w *Worker) finish(ctx context.Context, s workflows.Snapshot) error {
	if err := w.Store.FinishArchive(ctx, w.Owner, s); err != nil {
		if workflows.ErrorCode(err) == workflows.ECONFLICT {
			return nil // the lease ran out and another worker has it
		}
		return err
	}
	if w.Archived != nil {
		w.Archived(ctx, s.ClaimID)
	}
	return nil
}

// transientStatus: answers worth asking again later.
func transientStatus(code int) bool {
	return code == 429 || code == 408 || code >= 500
}

type statusError int

// statusText names the statuses a linked page most often answers with
// when it cannot be archived (RFC 9110).
var statusText = map[int]string{401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 408: "Request Timeout",
	410: "Gone", 429: "Too Many Requests", 451: "Unavailable For Legal Reasons", 500: "Internal Server Error",
	502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}

func (e statusError) Error() string {
	// The core does no network I/O and so names codes itself.
	if text := statusText[int(e)]; text != "" {
		return fmt.Sprintf("the page answered %d %s", int(e), text)
	}
	return fmt.Sprintf("the page answered HTTP %d", int(e))
}

// Reason is an error as a short sentence for a card: what was refused or
// what the page answered, never internal detail.
func Reason(err error) string {
	var st statusError
	if errors.As(err, &st) {
		return st.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "the page took too long to answer"
	}
	// The fetcher's refusals are EINVALID with a sentence meant for users;
	// anything else is detail for the log only.
	if workflows.ErrorCode(err) == workflows.EINVALID {
		return workflows.Shorten(workflows.ErrorMessage(err), 200)
	}
	return "the page could not be read"
}
