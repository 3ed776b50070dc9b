package extract

import (
	"strings"
	"sync"
	"sync/atomic"
	"unicode"

	"github.com/biter777/countries"
	"github.com/tidwall/cities"
)

// The gazetteer: which capitalised names are places. It is built from two
// data packages compiled into the binary, no hand list:
//
//   - github.com/biter777/countries: every country with its common
//     alternate spellings and former names (countries.ByName reads "UK",
//     "Britain", "South Korea", "Türkiye"…), and the ISO 3166-2
//     subdivisions (provinces, governorates, states: "Ninawa", "Ar
//     Raqqah", "Kocaeli").
//   - github.com/tidwall/cities: 10,000 cities with their country
//     ("Mosul", "Aleppo", "Istanbul", "Seoul").
//
// Names are compared folded: lower case, without diacritics and
// punctuation, without an Arabic article ("Ar Raqqah", "al-Raqqa") and a
// final "h" ("Raqqah"), so the spellings news writing uses meet the
// gazetteer's.

// Place is a gazetteer entry.
type Place struct {
	Name    string // as the gazetteer spells it
	Kind    string // "country", "region" or "city"
	Country string // the country's English name
}

var gazetteer struct {
	once  sync.Once
	names map[string]Place
}

func loadGazetteer() {
	names := make(map[string]Place, 20000)
	add := func(name string, p Place) {
		k := foldPlace(name)
		if k == "" {
			return
		}
		if old, ok := names[k]; ok && rank(old.Kind) <= rank(p.Kind) {
			return // a country outranks a region, a region a city
		}
		names[k] = p
	}
	for _, c := range countries.All() {
		add(c.String(), Place{c.String(), "country", c.String()})
	}
	for _, sd := range countries.AllSubdivisionsInfo() {
		add(sd.Name, Place{sd.Name, "region", sd.Country.String()})
	}
	for _, c := range cities.Cities {
		add(c.City, Place{c.City, "city", c.Country})
	}
	gazetteer.names = names
}

func rank(kind string) int {
	switch kind {
	case "country":
		return 0
	case "region":
		return 1
	}
	return 2
}

// LookupPlace finds a place by name as news writing spells it: "Mosul",
// "Raqqa", "the Gaza Strip", "South Korea", "Gyeonggi Province". The
// second result is false for a name the gazetteer does not hold.
func LookupPlace(name string) (Place, bool) {
	gazetteer.once.Do(loadGazetteer)
	name = strings.TrimSpace(name)
	if v, ok := lookups.Load(name); ok {
		r := v.(lookup)
		return r.place, r.ok
	}
	p, ok := lookupPlace(name)
	if lookupCount.Add(1) <= maxCachedLookups {
		lookups.Store(name, lookup{p, ok})
	}
	return p, ok
}

// Answers already given, by name as written: an article names the same
// few places again and again, and capitalised words that are not places
// ("Police", "Organizers") come back as often. The cache is bounded so that
// a stream of invented names cannot grow it without end.
var (
	lookups     sync.Map
	lookupCount atomic.Int64
)

const maxCachedLookups = 100000

type lookup struct {
	place Place
	ok    bool
}

func lookupPlace(name string) (Place, bool) {
	if p, ok := gazetteer.names[foldPlace(name)]; ok {
		return p, true
	}
	if c := countries.ByName(name); c != countries.Unknown && len(name) > 3 {
		return Place{c.String(), "country", c.String()}, true
	}
	// "Gyeonggi Province", "Raqqa governorate", "Gaza Strip": the name
	// with the word that says what kind of place it is.
	words := strings.Fields(name)
	if n := len(words); n > 1 && placeKinds[strings.ToLower(words[n-1])] {
		if p, ok := gazetteer.names[foldPlace(strings.Join(words[:n-1], " "))]; ok {
			return p, true
		}
		return Place{name, "region", ""}, true
	}
	return Place{}, false
}

// placeKinds end the name of a place: "Gyeonggi Province", "Gaza Strip".
var placeKinds = map[string]bool{
	"province": true, "provinces": true, "governorate": true, "region": true,
	"district": true, "county": true, "state": true, "prefecture": true,
	"strip": true, "valley": true, "island": true, "islands": true,
	"city": true, "town": true, "village": true, "camp": true, "oblast": true,
	"neighborhood": true, "neighbourhood": true, "suburb": true, "quarter": true,
	"coast": true, // "off the coast of Samos"
}

// foldPlace makes the key names are compared by.
func foldPlace(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r < 0x80 && (unicode.IsLetter(r) || r == ' ' || r == '-'):
			if r == '-' {
				r = ' '
			}
			b.WriteRune(r)
		case unicode.IsLetter(r):
			if a, ok := asciiFold[r]; ok {
				b.WriteRune(a)
			}
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		}
	}
	w := strings.Fields(b.String())
	if len(w) > 1 {
		switch w[0] {
		case "al", "ar", "as", "an", "ad", "at", "az", "el", "the":
			w = w[1:]
		}
	}
	k := strings.Join(w, " ")
	if len(k) > 4 && strings.HasSuffix(k, "ah") {
		k = k[:len(k)-1]
	}
	return k
}

// asciiFold drops the diacritics of the letters place names carry.
var asciiFold = map[rune]rune{
	'á': 'a', 'à': 'a', 'â': 'a', 'ä': 'a', 'ã': 'a', 'å': 'a', 'ā': 'a',
	'ç': 'c', 'č': 'c', 'ć': 'c', 'é': 'e', 'è': 'e', 'ê': 'e', 'ë': 'e', 'ē': 'e',
	'ğ': 'g', 'í': 'i', 'ì': 'i', 'î': 'i', 'ï': 'i', 'ı': 'i', 'ī': 'i',
	'ñ': 'n', 'ó': 'o', 'ò': 'o', 'ô': 'o', 'ö': 'o', 'õ': 'o', 'ø': 'o', 'ō': 'o',
	'ş': 's', 'š': 's', 'ś': 's', 'ú': 'u', 'ù': 'u', 'û': 'u', 'ü': 'u', 'ū': 'u',
	'ý': 'y', 'ÿ': 'y', 'ž': 'z', 'ź': 'z', 'ż': 'z', 'ŏ': 'o', 'ŭ': 'u',
}
