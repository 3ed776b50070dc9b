package export

import (
	"bytes"
	"context"
	"io"
	"strconv"
	"strings"

	"github.com/factdesk/factdesk/workflows"
)

// The desk's verdict on an approved claim as a ClaimReview rating, on a
// scale of 1 (worst) to 3 (best). Google shows the alternateName; the
// number lets partners sort. The scale follows the evidence state the
// editors approved the claim in:
//
//	3 "Corroborated": independent sources agree with it (approved as is)
//	2 "Unverified":   approved with a note, without enough independent sources
//	1 "Disputed":     approved with a resolution note while sources conflict
const (
	WorstRating = 1
	BestRating  = 3
)

// Verdict maps an approved claim to its rating value and name.
func Verdict(c *workflows.Claim) (value int, name string) {
	switch c.State {
	case workflows.Corroborated:
		return 3, "Corroborated"
	case workflows.Disputed:
		return 1, "Disputed"
	}
	return 2, "Unverified"
}

// The JSON-LD shapes, after schema.org/ClaimReview and Google's fact-check
// structured data documentation: claimReviewed, reviewRating (with
// alternateName) and url are what Google requires; author, datePublished,
// itemReviewed (a Claim with its appearances) what it recommends.
type claimReviewLD struct {
	Context       string   `json:"@context"`
	Type          string   `json:"@type"`
	URL           string   `json:"url,omitempty"`
	ClaimReviewed string   `json:"claimReviewed"`
	DatePublished string   `json:"datePublished,omitempty"`
	Author        orgLD    `json:"author"`
	ReviewRating  ratingLD `json:"reviewRating"`
	ItemReviewed  claimLD  `json:"itemReviewed"`
}

type orgLD struct {
	Type string `json:"@type"`
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type ratingLD struct {
	Type          string `json:"@type"`
	RatingValue   int    `json:"ratingValue"`
	BestRating    int    `json:"bestRating"`
	WorstRating   int    `json:"worstRating"`
	AlternateName string `json:"alternateName"`
}

type claimLD struct {
	Type            string         `json:"@type"`
	FirstAppearance *appearanceLD  `json:"firstAppearance,omitempty"`
	Appearance      []appearanceLD `json:"appearance,omitempty"`
}

type appearanceLD struct {
	Type string `json:"@type"`
	URL  string `json:"url"`
}

// reviewOf is the ClaimReview of an approved claim. Its appearances are
// the claim's evidence links, oldest first, each once.
func reviewOf(c *workflows.Claim, o Options) claimReviewLD {
	value, name := Verdict(c)
	r := claimReviewLD{
		Context: "https://schema.org", Type: "ClaimReview", ClaimReviewed: c.Statement,
		Author:       orgLD{Type: "Organization", Name: o.Newsroom, URL: o.NewsroomURL},
		ReviewRating: ratingLD{Type: "Rating", RatingValue: value, BestRating: BestRating, WorstRating: WorstRating, AlternateName: name},
		ItemReviewed: claimLD{Type: "Claim"},
	}
	if o.ReviewURL != "" {
		r.URL = strings.ReplaceAll(o.ReviewURL, "{id}", strconv.FormatInt(c.ID, 10))
	}
	if !c.DecidedAt.IsZero() {
		r.DatePublished = c.DecidedAt.UTC().Format("2006-01-02")
	}
	seen := map[string]bool{}
	for _, e := range c.Evidence {
		link := workflows.ArchiveLink(e)
		if link == "" || seen[link] {
			continue
		}
		seen[link] = true
		r.ItemReviewed.Appearance = append(r.ItemReviewed.Appearance, appearanceLD{Type: "CreativeWork", URL: link})
	}
	if len(r.ItemReviewed.Appearance) > 0 {
		first := r.ItemReviewed.Appearance[0]
		r.ItemReviewed.FirstAppearance = &first
	}
	return r
}

// writeClaimReview writes a JSON array of ClaimReview objects, one per
// approved claim, streamed: "[", the objects separated by commas, "]".
func writeClaimReview(ctx context.Context, w io.Writer, src Source, f Filter, o Options) error {
	f.Decisions = []workflows.Decision{workflows.Approved}
	if _, err := io.WriteString(w, "["); err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := newEncoder(&buf)
	enc.SetIndent("", "  ")
	sep := "\n"
	err := src.EachClaim(ctx, f, func(c *workflows.Claim) error {
		buf.Reset()
		buf.WriteString(sep)
		sep = ",\n"
		if err := enc.Encode(reviewOf(c, o)); err != nil {
			return err
		}
		_, err := w.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return err
	})
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, "\n]\n")
	return err
}
