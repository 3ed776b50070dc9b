package extract

// Record is one figure as `factdesk extract --format json` prints it, one
// JSON object a line: the form the evaluation scorer reads.
type Record struct {
	File      string    `json:"file"`
	Figure    float64   `json:"figure"`
	Max       *float64  `json:"max,omitempty"` // the top of a range; Figure is its bottom
	Qualifier Qualifier `json:"qualifier"`
	Metric    string    `json:"metric"`
	Who       string    `json:"who"`
	Place     string    `json:"place"`
	Period    string    `json:"period"`
	Source    *string   `json:"source"` // null when the figure is unattributed
	Sentence  string    `json:"sentence"`
	Start     int       `json:"start"`
	End       int       `json:"end"`
	Mentions  int       `json:"mentions"`
	// Vague is true for a source that names nobody in particular.
	Vague     bool    `json:"vague_source,omitempty"`
	Revises   float64 `json:"revises,omitempty"`
	RevisedTo float64 `json:"revised_to,omitempty"`
}

// NewRecord makes the record of a figure found in file.
func NewRecord(file string, f Figure) Record {
	r := Record{File: file, Figure: f.Value, Qualifier: f.Qualifier, Metric: f.Metric, Who: f.Who,
		Place: f.Place, Period: f.Period, Sentence: f.Sentence, Start: f.Start, End: f.End, Mentions: f.Mentions,
		Vague: f.VagueSource, Revises: f.Revises, RevisedTo: f.RevisedTo}
	if f.Max != 0 {
		hi := f.Max
		r.Max = &hi
	}
	if f.Source != "" {
		src := f.Source
		r.Source = &src
	}
	return r
}
