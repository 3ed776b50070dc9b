package extract_test

import (
	"fmt"

	"github.com/factdesk/factdesk/workflows/extract"
)

// Two sources give the same flood's toll: each figure comes out with what
// is counted, where, and who says so; the second sentence carries the toll
// and the place over from the first, and "local officials" is marked as a
// vague source.
func ExampleExtract() {
	text := "At least 40 people were killed in the flooding in Bahia, the state's civil defence agency said on Monday. " +
		"Local officials put the toll at 65."
	for _, f := range extract.Extract(text) {
		fmt.Printf("%s %v %s %s in %s, per %s (vague: %v)\n", f.Qualifier, f.Value, f.Who, f.Metric, f.Place, f.Source, f.VagueSource)
	}
	// Output:
	// at_least 40 people killed in Bahia, per state's civil defence agency (vague: false)
	// exact 65 people killed in Bahia, per Local officials (vague: true)
}
