package main

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/factdesk/factdesk/workflows"
	"github.com/factdesk/factdesk/workflows/export"
)

// Exports: the subcommand `factdesk export` and, when export.token is set,
// GET /export/claims.csv, /export/claims.jsonl and /export/claimreview.json
// on the run server.
// ExportConfig configures exports.
type ExportConfig struct {
	// Token is the bearer token GET /export/* requires; without one those
	// endpoints do not exist. Env FACTDESK_EXPORT_TOKEN.
	Token string `yaml:"token"`
	// Newsroom is the organisation ClaimReview names as author, NewsroomURL
	// its home page.
	Newsroom    string `yaml:"newsroom"`
	NewsroomURL string `yaml:"newsroom_url"`
	// ReviewURL is where a published fact-check lives, {id} standing for
	// the claim id; ClaimReview's url is left out without it.
	ReviewURL string `yaml:"review_url"`
}

// minExportToken is the shortest token accepted: a token guards every
// claim the desk holds.
const minExportToken = 16

func (c ExportConfig) validate() error {
	if c.Token != "" && len(c.Token) < minExportToken {
		return fmt.Errorf("export.token is %d characters; use at least %d random ones (openssl rand -hex 24)", len(c.Token), minExportToken)
	}
	if c.ReviewURL != "" && !strings.Contains(c.ReviewURL, "{id}") {
		return fmt.Errorf("export.review_url %q must contain {id}, where the claim id goes", c.ReviewURL)
	}
	return nil
}

func (d *Desk) exportOptions() export.Options {
	name := d.Config.Export.Newsroom
	if name == "" {
		name = "factdesk"
	}
	return export.Options{Newsroom: name, NewsroomURL: d.Config.Export.NewsroomURL,
		ReviewURL: d.Config.Export.ReviewURL, Rules: d.Engine.Rules}
}

// stringList is a flag that may be repeated.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func (m *Main) cmdExport(ctx context.Context, args []string) error {
	fs, cfgPath := m.flags("export")
	formatName := fs.String("format", "csv", "csv, jsonl, claimreview or audit")
	since := fs.String("since", "", "only claims changed (audit: events) on or after DATE (2026-03-01 or RFC 3339)")
	var states stringList
	fs.Var(&states, "state", "only claims in this state or decision (repeat or comma-separate): unverified, corroborated, disputed, pending, approved, rejected")
	out := fs.String("out", "", "write to FILE instead of standard output")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export takes no arguments besides flags, not %q", fs.Arg(0))
	}
	format, err := export.ParseFormat(*formatName)
	if err != nil {
		return err
	}
	var f export.Filter
	if f.Since, err = export.ParseSince(*since); err != nil {
		return err
	}
	if err := f.ParseStates(states); err != nil {
		return err
	}
	if format == export.Audit && len(states) > 0 {
		return errors.New("--state does not apply to the audit export")
	}
	for _, dec := range f.Decisions {
		if format == export.ClaimReview && dec != workflows.Approved {
			return fmt.Errorf("--state %s: claimreview exports approved claims only", dec)
		}
	}
	d, err := m.openConfigured(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer d.Close()
	if *out == "" {
		return export.Write(ctx, m.Stdout, format, d.DB, f, d.exportOptions())
	}
	return writeFileAtomically(*out, func(w io.Writer) error {
		return export.Write(ctx, w, format, d.DB, f, d.exportOptions())
	})
}

// writeFileAtomically writes path through a temporary file renamed into
// place, so a failed export never leaves half a file where a complete one
// is expected.
func writeFileAtomically(path string, write func(io.Writer) error) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// exportEndpoints are the HTTP exports, by path.
var exportEndpoints = map[string]export.Format{
	"/export/claims.csv":       export.CSV,
	"/export/claims.jsonl":     export.JSONL,
	"/export/claimreview.json": export.ClaimReview,
}

// exportRoutes adds the HTTP exports when a token is configured; without
// one they do not exist (404), rather than exist unprotected.
func exportRoutes(d *Desk, mux *http.ServeMux) {
	token := d.Config.Export.Token
	if token == "" {
		return
	}
	for path, format := range exportEndpoints {
		mux.Handle("GET "+path, requireBearer(token, exportHandler(d, format)))
	}
}

// requireBearer lets through requests carrying "Authorization: Bearer
// <token>", compared in constant time (RFC 6750 names the header and the
// 401 challenge).
func requireBearer(token string, next http.Handler) http.Handler {
	want := []byte(token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), want) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="factdesk export"`)
			http.Error(w, "a valid bearer token is required", http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// exportHandler streams one export; ?since= and ?state= filter as the
// command's flags do.
func exportHandler(d *Desk, format export.Format) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		var f export.Filter
		var err error
		if f.Since, err = export.ParseSince(q.Get("since")); err == nil {
			err = f.ParseStates(q["state"])
		}
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", format.ContentType())
		w.Header().Set("Cache-Control", "no-store")
		out := &slidingDeadline{w: w, rc: http.NewResponseController(w), step: serverWriteTimeout}
		if err := export.Write(r.Context(), out, format, d.DB, f, d.exportOptions()); err != nil {
			// The status line is gone once rows have streamed: the log
			// says why the body stops short.
			d.Logger.Error("export over HTTP failed", "format", format, "err", err)
		}
	})
}

// slidingDeadline moves the connection's write deadline forward while an
// export streams: the server's write timeout (serverWriteTimeout) suits
// answers written at once, but a large export takes longer than that in
// total. A client that stops reading is still cut off one step after its
// last successful write.
type slidingDeadline struct {
	w    io.Writer
	rc   *http.ResponseController
	step time.Duration
	next time.Time // when to move the deadline again
}

func (s *slidingDeadline) Write(p []byte) (int, error) {
	if now := time.Now(); now.After(s.next) {
		// An error means the connection cannot move its deadline (an
		// HTTP/2 stream in some set-ups): the server's own timeout holds.
		_ = s.rc.SetWriteDeadline(now.Add(s.step))
		s.next = now.Add(s.step / 3)
	}
	return s.w.Write(p)
}
