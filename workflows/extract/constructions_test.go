package extract

import (
	"strings"
	"testing"
)

// find returns the figure with value v in text, failing when there is none.
func find(t *testing.T, text string, v float64) Figure {
	t.Helper()
	for _, f := range Extract(text) {
		if f.Value == v {
			return f
		}
	}
	t.Fatalf("Extract(%q) has no figure %v: %+v", text, v, Extract(text))
	return Figure{}
}

func noFigure(t *testing.T, text string, v float64) {
	t.Helper()
	for _, f := range Extract(text) {
		if f.Value == v {
			t.Errorf("Extract(%q) took %v as a figure: %+v", text, v, f)
		}
	}
}

func TestRanges(t *testing.T) {
	tests := []struct {
		text     string
		min, max float64
		metric   string
	}{
		{"Between 200 and 350 people were killed in Aleppo, the ministry said.", 200, 350, "killed"},
		{"Police said 154,000 to 172,000 people took part in the march.", 154000, 172000, "took_part"},
		{"Some 30-50 villagers were displaced by the fighting.", 30, 50, "displaced"},
		{"Between 1.5 and 2 million people fled, the agency said.", 1.5e6, 2e6, "displaced"},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.min)
		if f.Max != tt.max || f.Metric != tt.metric {
			t.Errorf("Extract(%q) = %v to %v %s, want %v to %v %s", tt.text, f.Value, f.Max, f.Metric, tt.min, tt.max, tt.metric)
		}
	}
	if f := find(t, "More than half a million people fled the city, the UN said.", 5e5); f.Qualifier != MoreThan {
		t.Errorf("half a million: qualifier %q", f.Qualifier)
	}
}

func TestNonClaims(t *testing.T) {
	noFigure(t, "A third of the 600 houses in the village collapsed, officials said.", 600)
	noFigure(t, "Two of the four bridges over the river were destroyed.", 4)
	noFigure(t, "Three out of five buildings on the hill had been flattened.", 5)
	noFigure(t, "The jets struck groups of 30 to 50 people in their hideouts.", 30)
	noFigure(t, "Two or three houses were destroyed.", 2)
	noFigure(t, "The strike hit two residential compounds, killing 37 civilians.", 2)
}

func TestOpenMetrics(t *testing.T) {
	tests := []struct {
		text   string
		v      float64
		metric string
		who    string
	}{
		{"Police arrested 75 protesters in the capital.", 75, "arrested", "protesters"},
		{"Authorities have evacuated 3,000 residents from the coast.", 3000, "evacuated", "residents"},
		{"The ministry confirmed 14 new infections in Busan.", 14, "cases", "new infections"},
		{"About 2,000 students took part in the rally.", 2000, "took_part", "students"},
		{"Officials closed 40 schools in the province.", 40, "schools_closed", ""},
		{"Organisers said 50,000 people joined the march.", 50000, "took_part", "people"},
		{"A crowd of 8,000 filled the square, police said.", 8000, "took_part", "people"},
		{"The agency said 1,312 people were quarantined.", 1312, "isolated", "people"},
		{"Rescuers pulled 23 survivors from the rubble.", 23, "pulled", "survivors"},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.v)
		if f.Metric != tt.metric || tt.who != "" && f.Who != tt.who {
			t.Errorf("Extract(%q) = %s · %q, want %s · %q", tt.text, f.Metric, f.Who, tt.metric, tt.who)
		}
	}
}

func TestAttributionAsAReaderFollowsIt(t *testing.T) {
	tests := []struct {
		text   string
		v      float64
		source string
	}{
		// Carried to the subtotals that continue the sentence before.
		{"The health ministry said 52 people were killed. Of those, 40 were soldiers and 12 were children.", 40, "health ministry"},
		{"The army said 1,100 people were killed in the offensive. It found that 700 were fighters.", 700, "army"},
		// "X, which said N".
		{"The count clashed with one by the Red Crescent, which said 80 people were injured.", 80, "Red Crescent"},
		// An aside before the verb is not the source.
		{"An officer – who asked not to be named as he was not allowed to speak – told reporters that 15 soldiers were killed.", 15, "officer"},
		// The name, not its apposition.
		{"Zeid Hassan, the head of the rescue service, said 20 miners were trapped.", 20, "Zeid Hassan"},
		{"The University of Santiago, a more neutral party, estimates 9,000 people took part.", 9000, "University of Santiago"},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.v)
		if !strings.Contains(f.Source, tt.source) {
			t.Errorf("Extract(%q): source of %v is %q, want %q", tt.text, tt.v, f.Source, tt.source)
		}
	}
	f := find(t, "Witnesses said 12 protesters were shot dead.", 12)
	if f.Source != "Witnesses" || !f.VagueSource {
		t.Errorf("witnesses: source %q vague %v, want a vague source", f.Source, f.VagueSource)
	}
	if f := find(t, "The Health Ministry said 12 people died.", 12); f.VagueSource {
		t.Errorf("a named ministry marked vague: %+v", f)
	}
}

func TestPlacesAndPeriods(t *testing.T) {
	tests := []struct {
		text          string
		v             float64
		place, period string
	}{
		{"At least 12 people were killed in western Aleppo, the monitor said.", 12, "western Aleppo", ""},
		// Where the count happened, not where the official spoke.
		{"An official in Damascus said 30 people were killed in Homs.", 30, "Homs", ""},
		// Alternate spellings meet the gazetteer's.
		{"Some 15 civilians were killed in al-Raqqa, activists said.", 15, "al-Raqqa", ""},
		// The period is what the figure covers, not the day it was said.
		{"The ministry said on Tuesday that 40 people died last week.", 40, "", "last week"},
		// A subtotal carries the place of the count it continues.
		{"At least 300 civilians were killed in Mosul – including 140 killed in a single airstrike.", 140, "Mosul", "in a single airstrike"},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.v)
		if tt.place != "" && f.Place != tt.place || tt.period != "" && f.Period != tt.period {
			t.Errorf("Extract(%q): place %q period %q, want %q %q", tt.text, f.Place, f.Period, tt.place, tt.period)
		}
	}
	if f := find(t, "The ministry said on Tuesday that 40 people died last week.", 40); strings.Contains(f.Period, "Tuesday") {
		t.Errorf("the day it was said became the period: %q", f.Period)
	}
	for _, name := range []string{"Mosul", "Raqqa", "South Korea", "Britain", "Gyeonggi Province", "HONG KONG"} {
		if _, ok := LookupPlace(name); !ok {
			t.Errorf("LookupPlace(%q) found nothing", name)
		}
	}
	for _, name := range []string{"Police", "Organizers", "Reuters", "Istanbul Technical University"} {
		if p, ok := LookupPlace(name); ok {
			t.Errorf("LookupPlace(%q) = %+v, want no place", name, p)
		}
	}
}

func TestRevisionsAndRepeatedHeadlines(t *testing.T) {
	figs := Extract("The ministry said 40 people were killed. The ministry later raised the toll to 45.")
	var first, second *Figure
	for i := range figs {
		switch figs[i].Value {
		case 40:
			first = &figs[i]
		case 45:
			second = &figs[i]
		}
	}
	if first == nil || second == nil {
		t.Fatalf("figures: %+v", figs)
	}
	if first.RevisedTo != 45 || second.Revises != 40 {
		t.Errorf("revision not recorded: 40 revised to %v, 45 revises %v", first.RevisedTo, second.Revises)
	}
	// Two sources are not a revision.
	figs = Extract("The ministry said 40 people were killed. Witnesses said 45 people were killed.")
	for _, f := range figs {
		if f.Revises != 0 || f.RevisedTo != 0 {
			t.Errorf("two sources taken for a revision: %+v", f)
		}
	}
	// A headline repeated in the page is one claim, the attributed one.
	figs = Extract("Blast kills 12 miners in Soma\n\nAt least 12 miners were killed in a blast in Soma, the governor said.")
	if len(figs) != 1 || figs[0].Source != "governor" || figs[0].Mentions != 2 {
		t.Errorf("headline and body: %+v", figs)
	}
}

func TestExplain(t *testing.T) {
	text := "On March 17, 2017, at 10:30, a 12-year-old and 40 civilians were killed; dozens were hurt. " + strings.Repeat("9", 30) + " people fled."
	got := map[string]string{}
	for _, r := range Explain(text) {
		if text[r.Start:r.End] != r.Number {
			t.Fatalf("reading %q has offsets [%d, %d) that do not match", r.Number, r.Start, r.End)
		}
		why := r.Why
		if r.Figure {
			why = "figure"
		}
		got[r.Number] = why
	}
	want := map[string]string{
		"17": "a date", "2017": "a year", "10:30": "a clock time", "12-year-old": "an age",
		"40": "figure", "dozens": "a vague quantity", strings.Repeat("9", 30): "10^12",
	}
	for n, w := range want {
		if !strings.Contains(got[n], w) {
			t.Errorf("Explain: %q is %q, want %q", n, got[n], w)
		}
	}
}

func TestTollsPartsAndConditions(t *testing.T) {
	tests := []struct {
		text   string
		v      float64
		metric string
	}{
		{"Two miners were found dead, raising the death toll of the disaster to 301.", 301, "killed"},
		{"The minister said the death toll as of 1930 GMT on Wednesday was 274.", 274, "killed"},
		{"He said 787 people were inside the mine and 363 of them had been rescued.", 363, "rescued"},
		{"Police broke up a crowd of about 150 people in the square.", 150, "took_part"},
		{"About 1,500 demonstrators urged the government to resign.", 1500, "took_part"},
	}
	for _, tt := range tests {
		if f := find(t, tt.text, tt.v); f.Metric != tt.metric {
			t.Errorf("Extract(%q): %v is %s, want %s", tt.text, tt.v, f.Metric, tt.metric)
		}
	}
	noFigure(t, "The toll could rise to 302, he said, if the 18 men still in the mine have died.", 18)
	if f := find(t, "Late on Tuesday he said 787 workers had been in the mine. The minister said 12 were hurt.", 787); f.Source != "" && strings.Contains(f.Source, "Late") {
		t.Errorf("an opener became the source: %q", f.Source)
	}
}

func TestLivesLocalAndDashAsides(t *testing.T) {
	if f := find(t, "Cholera epidemic claims 31 lives in the camps", 31); f.Metric != "killed" || f.Source != "" {
		t.Errorf("claims 31 lives: %s from %q", f.Metric, f.Source)
	}
	if f := find(t, "The outbreak has killed two local people and 29 refugees.", 2); f.Metric != "killed" {
		t.Errorf("two local people: %s", f.Metric)
	}
	if f := find(t, "At least 31 people – 29 refugees and two fishermen – have died of the disease.", 31); f.Metric != "killed" {
		t.Errorf("a dash aside hid the verb: %s", f.Metric)
	}
	if f := find(t, "The refugee agency on Friday reported that 40 people had died.", 40); f.Source != "refugee agency" {
		t.Errorf("source %q, want the agency without the day", f.Source)
	}
}

// figureIn returns the figure with value v and the given source in text.
func figureIn(t *testing.T, text string, v float64, source string) Figure {
	t.Helper()
	for _, f := range Extract(text) {
		if f.Value == v && f.Source == source {
			return f
		}
	}
	t.Fatalf("Extract(%q) has no figure %v from %q: %+v", text, v, source, Extract(text))
	return Figure{}
}

// A source puts a value on a noun: the subject is the source, the noun
// what is counted. "The number" alone is the count the text just gave.
func TestPutTheCountAt(t *testing.T) {
	tests := []struct {
		text, source, metric, who string
		v                         float64
	}{
		{"Police put the crowd at 40,000.", "Police", "took_part", "people", 40000},
		{"Organizers put the turnout at 320,000 on Sunday.", "Organizers", "took_part", "people", 320000},
		{"Police in the capital estimated the crowd at 1.2 million.", "Police in the capital", "took_part", "people", 1.2e6},
		{"The union put the death toll at 85.", "union", "killed", "people", 85},
		{"The number of measles cases in the region has risen to 912, the agency said.", "agency", "cases", "cases", 912},
		{"About 900 migrants landed on the island on Friday. Coastguard officials put the number at 1,150.", "Coastguard officials", "arrived", "migrants", 1150},
	}
	for _, tt := range tests {
		f := figureIn(t, tt.text, tt.v, tt.source)
		if f.Metric != tt.metric || f.Who != tt.who {
			t.Errorf("Extract(%q): %v is %s · %q, want %s · %q", tt.text, tt.v, f.Metric, f.Who, tt.metric, tt.who)
		}
	}
	// The period of the count it restates comes with "the number".
	if f := figureIn(t, "About 900 migrants landed on Friday. Coastguard officials put the number at 1,150.", 1150, "Coastguard officials"); f.Period != "on Friday" {
		t.Errorf("the number's period is %q, want the count's", f.Period)
	}
	// Without a count before it, "the number" says nothing counted.
	noFigure(t, "Officials put the number at 1,150.", 1150)
	// Two sources in one sentence: each figure is its own speaker's.
	text := "Organizers put the turnout at 320,000, but police said about 60,000 people marched."
	figureIn(t, text, 320000, "Organizers")
	if f := figureIn(t, text, 60000, "police"); f.Metric != "took_part" {
		t.Errorf("police figure: %s", f.Metric)
	}
}

// A number as the subject of its clause, its noun left out: it counts
// what the figure before it counted, and the clause's speaker said it.
func TestElidedNoun(t *testing.T) {
	text := "About 4,000 migrants crossed the border on Sunday, according to the interior ministry, while charities said up to 1,500 were sleeping in the open."
	f := figureIn(t, text, 1500, "charities")
	if f.Metric != "sleeping" || f.Who != "migrants" || f.Qualifier != UpTo {
		t.Errorf("1,500: %s · %q · %s", f.Metric, f.Who, f.Qualifier)
	}
	figureIn(t, text, 4000, "interior ministry")
	// Part of the count before, named by what they were.
	f = find(t, "The ministry said 900 people were killed, and that 610 of them were women.", 610)
	if f.Metric != "killed" || f.Who != "women" {
		t.Errorf("610 of them were women: %s · %q", f.Metric, f.Who)
	}
}

func TestStatesAndCoordinatedPeople(t *testing.T) {
	tests := []struct {
		text, metric, who string
		v                 float64
	}{
		{"At least 45 miners remained unaccounted for on Friday.", "missing", "miners", 45},
		{"Another 12 climbers remain unaccounted for, rescuers said.", "missing", "climbers", 12},
		{"Some 86,000 migrants and asylum seekers have crossed the sea this year.", "arrived", "migrants and asylum seekers", 86000},
		{"Officials said 300 doctors and nurses were deployed.", "deployed", "doctors and nurses", 300},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.v)
		if f.Metric != tt.metric || f.Who != tt.who {
			t.Errorf("Extract(%q): %s · %q, want %s · %q", tt.text, f.Metric, f.Who, tt.metric, tt.who)
		}
	}
	// A verb of another clause is not the figure's: the fishermen were
	// stranded, the 600 migrants landed.
	if f := find(t, "Dozens of fishermen were stranded in the port, where 600 migrants landed on Tuesday.", 600); f.Metric != "arrived" {
		t.Errorf("600 migrants: %s, want arrived", f.Metric)
	}
}

func TestPlaceNamedAfterItsKind(t *testing.T) {
	tests := []struct{ text, place string }{
		{"On the Italian island of Lampedusa, 700 migrants landed on Monday.", "Lampedusa"},
		{"In the town of Norcia, at least 11 people were killed.", "Norcia"},
		{"In the village of Kfar Tel, 14 homes were destroyed.", "Kfar Tel"},
		{"In Manila, police said 30 people were arrested.", "Manila"},
	}
	for _, tt := range tests {
		for _, f := range Extract(tt.text) {
			if f.Place != tt.place {
				t.Errorf("Extract(%q): place %q, want %q", tt.text, f.Place, tt.place)
			}
		}
		if len(Extract(tt.text)) == 0 {
			t.Errorf("Extract(%q) found nothing", tt.text)
		}
	}
	// A country that reports is not where the next sentence's figures
	// were, nor does the sentence before lend it its place.
	figs := Extract("In Peru, the ministry reported 800 cases. Chile recorded 450 cases, the agency said.")
	for _, f := range figs {
		if f.Value == 450 && f.Place == "Peru" {
			t.Errorf("450 cases took Peru from the sentence before")
		}
	}
}

// A source that revises its count gives the new figure: the subject of
// "raised its toll to" speaks, a short second reference is the body named
// before, and the figure revised is the current one, not a comparison.
func TestRevisedTolls(t *testing.T) {
	text := "The toll from the floods that hit the northern provinces last week has risen to 140, the emergency agency said, up from 96 on Monday. " +
		"The agency later raised its toll to 171 and said 420 people had been hurt."
	f := figureIn(t, text, 171, "emergency agency")
	if f.Metric != "killed" || f.Revises != 140 {
		t.Errorf("171: %s, revises %v; want killed revising 140", f.Metric, f.Revises)
	}
	figureIn(t, text, 420, "emergency agency")
	revised := "The ministry first put the death toll at 50. By Friday evening the ministry had revised it to 61."
	if f := figureIn(t, revised, 61, "ministry"); f.Metric != "killed" || f.Revises != 50 {
		t.Errorf("revised it to 61: %s, revises %v", f.Metric, f.Revises)
	}
	figureIn(t, "Earlier reports had put the death toll at 80.", 80, "reports")
	if f := figureIn(t, "On Sunday the coastguard said 12 fishermen were missing.", 12, "coastguard"); f.Metric != "missing" {
		t.Errorf("12 fishermen: %s", f.Metric)
	}
}

func TestEpidemicAndPartsOfACount(t *testing.T) {
	tests := []struct {
		text, metric, who string
		v                 float64
	}{
		{"The virus has infected 2,300 people and killed 41, the ministry said.", "cases", "people", 2300},
		{"The virus has infected 2,300 people and killed 41, the ministry said.", "killed", "people", 41},
		{"About 700 patients have recovered, doctors said.", "recovered", "patients", 700},
		{"Rescuers recovered 16 victims from the river.", "bodies", "victims", 16},
		{"Some 300 workers were in the plant. Of these, 250 escaped.", "escaped", "workers", 250},
		{"Of those infected, 1,900 have recovered.", "recovered", "people", 1900},
		{"Nine miners remain trapped, the company said.", "trapped", "miners", 9},
		{"The army said 14 of its soldiers were killed.", "killed", "soldiers", 14},
		{"At least 30 migrants drowned off the coast.", "killed", "migrants", 30},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.v)
		if f.Metric != tt.metric || f.Who != tt.who {
			t.Errorf("Extract(%q): %v is %s · %q, want %s · %q", tt.text, tt.v, f.Metric, f.Who, tt.metric, tt.who)
		}
	}
	// A projection is not a count; an estimate of what happened is.
	noFigure(t, "Experts warned that 50,000 cases could occur by March.", 50000)
	find(t, "As many as 200 people may have died in the slide.", 200)
	find(t, "Up to 60 people could be trapped under the rubble.", 60)
	noFigure(t, "The agency warned that 2 million people could be infected by June.", 2e6)
	noFigure(t, "The governor said the final toll could reach 900.", 900)
	noFigure(t, "The charity said it expected 80,000 cases by the end of the year.", 80000)
	if f := find(t, "The number of suspected cases has passed 70,000, the ministry said.", 70000); f.Metric != "cases" || f.Qualifier != MoreThan {
		t.Errorf("passed 70,000: %s, %s", f.Metric, f.Qualifier)
	}
	if f := find(t, "The border agency counted 240,000 irregular crossings.", 240000); f.Metric != "arrived" {
		t.Errorf("240,000 crossings: %s", f.Metric)
	}
	// "The toll … has risen to N" with a long subject.
	if f := find(t, "The death toll from the storm that swept through the coastal towns on Friday has risen to 57.", 57); f.Metric != "killed" {
		t.Errorf("57: %s", f.Metric)
	}
}

// A country that "recorded" a count is where it was counted; the body
// that said so is the source, even when its name is spelt like a word.
func TestPlaceAsSubject(t *testing.T) {
	f := find(t, "Ecuador recorded 640 cases, with 31 deaths, the WHO said.", 640)
	if f.Source != "WHO" || f.Place != "Ecuador" {
		t.Errorf("640 cases: source %q place %q, want WHO in Ecuador", f.Source, f.Place)
	}
	if f := find(t, "Israel said 14 of its soldiers were killed.", 14); f.Source != "Israel" {
		t.Errorf("a country speaking alone is still the source: %q", f.Source)
	}
}

// Each clause's speaker: one who opens a clause after the figure speaks
// for what follows; across a semicolon the figure's own clause decides.
func TestClauseSpeakers(t *testing.T) {
	text := "The government on Tuesday raised the toll from the floods to 410, and aid workers warned it would rise."
	figureIn(t, text, 410, "government")
	text = "Chad says 90,000 refugees have arrived since May, while the UN puts the figure at 84,000."
	figureIn(t, text, 90000, "Chad")
	figureIn(t, text, 84000, "UN")
	text = "Residents said the dam had been neglected; 22 villagers drowned in the flood, according to the district office."
	figureIn(t, text, 22, "district office")
	// A body named in full, then by one word of its name.
	text = "The Syrian Network for Human Rights said 300 civilians were killed. The Network said 41 were children."
	figureIn(t, text, 41, "Syrian Network for Human Rights")
}

func TestMoreCountedThings(t *testing.T) {
	tests := []struct {
		text, metric, who string
		v                 float64
	}{
		{"Police said 20,000 people marched, while the union said 90,000 had taken to the streets.", "took_part", "people", 90000},
		{"Earlier reports had put the number of trapped workers at 29.", "trapped", "workers", 29},
		{"At least 1,200 Yazidi were killed in the assault, the group said.", "killed", "Yazidi", 1200},
		{"Officials said 34 miners were trapped. The ministry later corrected it to 33.", "trapped", "miners", 33},
	}
	for _, tt := range tests {
		f := find(t, tt.text, tt.v)
		if tt.metric != "" && (f.Metric != tt.metric || f.Who != tt.who) {
			t.Errorf("Extract(%q): %v is %s · %q, want %s · %q", tt.text, tt.v, f.Metric, f.Who, tt.metric, tt.who)
		}
	}
}
