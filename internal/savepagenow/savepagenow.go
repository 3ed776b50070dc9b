package savepagenow

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultEndpoint is the Wayback Machine.
const DefaultEndpoint = "https://web.archive.org"

// Client talks to Save Page Now 2. As its public API documentation (the
// "SPN2 public API docs", 2022) describes it:
//
//	POST {endpoint}/save  url=…  with "Accept: application/json" and
//	"Authorization: LOW accesskey:secret" (the account's S3 keys)
//	→ {"url": "…", "job_id": "spn2-…"}
//	GET  {endpoint}/save/status/{job_id}
//	→ {"status": "pending"} … then {"status": "success", "timestamp":
//	"20180326070330", "original_url": "…"} or {"status": "error",
//	"status_ext": "error:…", "message": "…"}
//
// and the capture is then at {endpoint}/web/{timestamp}/{original_url}.
type Client struct {
	HTTP      *http.Client
	Endpoint  string // DefaultEndpoint when ""
	AccessKey string
	SecretKey string
	// PollEvery is the wait between status requests (5 s when 0); Timeout
	// bounds a whole capture (2 minutes when 0).
	PollEvery time.Duration
	Timeout   time.Duration
}

type captureAnswer struct {
	URL     string `json:"url"`
	JobID   string `json:"job_id"`
	Message string `json:"message"`
	Status  string `json:"status"`
}

type statusAnswer struct {
	Status      string `json:"status"`
	StatusExt   string `json:"status_ext"`
	Message     string `json:"message"`
	Timestamp   string `json:"timestamp"`
	OriginalURL string `json:"original_url"`
}

func (c *Client) endpoint() string {
	if c.Endpoint == "" {
		return DefaultEndpoint
	}
	return strings.TrimSuffix(c.Endpoint, "/")
}

// Save asks for a capture of pageURL and waits for it; it returns the
// capture's address. Errors are short sentences fit for a card: the
// service's own refusal, or what went wrong, never transport detail.
func (c *Client) Save(ctx context.Context, pageURL string) (string, error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = 2 * time.Minute
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var start captureAnswer
	form := url.Values{"url": {pageURL}}
	if err := c.do(ctx, http.MethodPost, c.endpoint()+"/save", strings.NewReader(form.Encode()), &start); err != nil {
		return "", err
	}
	if start.JobID == "" {
		msg := start.Message
		if msg == "" {
			msg = "no job id in the answer"
		}
		return "", fmt.Errorf("save page now refused: %s", msg)
	}
	every := c.PollEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	for {
		var st statusAnswer
		if err := c.do(ctx, http.MethodGet, c.endpoint()+"/save/status/"+url.PathEscape(start.JobID), nil, &st); err != nil {
			return "", err
		}
		switch st.Status {
		case "success":
			orig := st.OriginalURL
			if orig == "" {
				orig = pageURL
			}
			return c.endpoint() + "/web/" + st.Timestamp + "/" + orig, nil
		case "error":
			return "", fmt.Errorf("save page now failed: %s %s", st.StatusExt, st.Message)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", errors.New("save page now: the capture did not finish in time")
		case <-t.C:
		}
	}
}

func (c *Client) do(ctx context.Context, method, u string, body io.Reader, into any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Authorization", "LOW "+c.AccessKey+":"+c.SecretKey)
	if body != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// Transport detail (addresses, TLS) stays out of the sentence,
		// which a card shows.
		if ctx.Err() != nil {
			return errors.New("save page now: the capture did not finish in time")
		}
		return errors.New("save page now could not be reached")
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return errors.New("save page now could not be reached")
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("save page now answered %s", resp.Status)
	}
	if err := json.Unmarshal(data, into); err != nil {
		return errors.New("save page now gave an answer that is not JSON")
	}
	return nil
}
