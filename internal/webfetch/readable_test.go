package webfetch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readableCases are pages written for this test with navigation, scripts,
// captions, tables, comments and promotions around an article: the
// sentences the figure extractor must see, and markers of furniture it must
// not.
var readableCases = []struct {
	file       string
	keep, drop []string
}{
	{"news.html", []string{
		"At least 37 people were killed when the Upper Vale dam gave way",
		"Emergency services said 112 people had been taken to hospital",
		"Rescuers searched 40 homes in the lower village on Monday.",
		"The dam, built in 1962, held about 8 million cubic metres of water",
		"Residents said they had reported cracks in the wall at least three times since 2019",
		`"We were told it was safe," said Ana Ruiz, 54, whose house was destroyed.`,
	}, []string{"NAV-MARKER", "SHARE-MARKER", "RELATED-MARKER", "COMMENT-MARKER", "FOOTER-MARKER", "pageviews", "track("}},
	{"divs.html", []string{
		"Health officials confirmed 412 cases of measles in the province this year, up from 96 in all of last year.",
		"Most of the cases, 301, were in children under five",
		"Vaccination coverage fell to 81 per cent in 2025",
		"Two children have died, a hospital spokesman said.",
	}, []string{"COOKIE-MARKER", "MENU-MARKER", "MOSTREAD-MARKER", "WEATHER-MARKER", "BOTTOM-MARKER"}},
	{"table.html", []string{
		"Turnout in Sunday's regional election reached 71 per cent",
		"More than 2.3 million ballots were cast",
		"Observers from the regional monitoring group said they had found irregularities at 14 polling stations.",
		"74%",
	}, []string{"BREADCRUMB-MARKER", "TWEET-MARKER", "NEWSLETTER-MARKER", "PROMO-MARKER", "NewsArticle"}},
	{"bodyonly.html", []string{
		"A fire at a textile factory on the city's outskirts killed 9 workers on Thursday",
		"Another 23 were injured, six of them seriously",
		"The factory employed about 400 people",
		"Firefighters worked for 6 hours to put out the blaze.",
	}, []string{"NAVLINKS-MARKER", "SIDEBAR-MARKER", "NOSCRIPT-MARKER"}},
}

// readableScore counts the sentences kept and the furniture let through.
func readableScore(t *testing.T, text func([]byte) string) (kept, keepTotal, leaked, dropTotal int) {
	t.Helper()
	for _, c := range readableCases {
		body, err := os.ReadFile(filepath.Join("testdata", "pages", c.file))
		if err != nil {
			t.Fatal(err)
		}
		got := text(body)
		for _, k := range c.keep {
			keepTotal++
			if strings.Contains(got, k) {
				kept++
			} else {
				t.Logf("%s: lost %q", c.file, k)
			}
		}
		for _, d := range c.drop {
			dropTotal++
			if strings.Contains(got, d) {
				leaked++
				t.Logf("%s: kept furniture %q", c.file, d)
			}
		}
	}
	return
}

// TestReadablePages holds Readable to what it scored when it was chosen
// over the hand-written walker (README, Security): every article sentence
// kept, at most two of the twenty pieces of furniture let through (the walker let four through).
func TestReadablePages(t *testing.T) {
	kept, keepTotal, leaked, dropTotal := readableScore(t, func(b []byte) string {
		_, text, err := Readable(b, nil)
		if err != nil {
			t.Error(err)
		}
		return text
	})
	t.Logf("readability: kept %d/%d sentences, let through %d/%d furniture markers", kept, keepTotal, leaked, dropTotal)
	if kept != keepTotal || leaked > 2 {
		t.Errorf("kept %d/%d sentences, let through %d/%d furniture markers", kept, keepTotal, leaked, dropTotal)
	}
}

// TestReadableParagraphs keeps paragraphs apart, as the extractor needs.
func TestReadableParagraphs(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "pages", "news.html"))
	if err != nil {
		t.Fatal(err)
	}
	title, text, err := Readable(body, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(title, "37 dead") {
		t.Errorf("title %q", title)
	}
	if !strings.Contains(text, "regional governor said on Monday.\n\nEmergency services said") {
		t.Errorf("paragraphs not separated by a blank line:\n%s", text)
	}
}

// TestReadableFallsBack gives the whole body's text when readability gives
// up (here: more elements than it may score).
func TestReadableFallsBack(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "pages", "news.html"))
	if err != nil {
		t.Fatal(err)
	}
	_, text, err := readable(body, nil, 10)
	if err == nil {
		t.Fatal("readability read a page over its element cap")
	}
	if !strings.Contains(text, "At least 37 people were killed") || strings.Contains(text, "pageviews") {
		t.Errorf("fallback text:\n%s", text)
	}
}
