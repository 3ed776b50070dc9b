package extract

import (
	"strings"
	"testing"
)

// only extracts text and requires exactly one figure.
func only(t *testing.T, text string) Figure {
	t.Helper()
	figs := Extract(text)
	if len(figs) != 1 {
		t.Fatalf("Extract(%q) found %d figures, want 1: %+v", text, len(figs), figs)
	}
	return figs[0]
}

func TestParseFigure(t *testing.T) {
	tests := []struct {
		in   string
		want float64
		q    Qualifier
	}{
		{"300", 300, Exact},
		{"3,864", 3864, Exact},
		{"1,234,567", 1234567, Exact},
		{"2.5", 2.5, Exact},
		{"at least 300", 300, AtLeast},
		{"At Least 300", 300, AtLeast},
		{"no fewer than 40", 40, AtLeast},
		{"300+", 300, AtLeast},
		{"300 or more", 300, AtLeast},
		{"more than 22,000", 22000, MoreThan},
		{"over 10,000", 10000, MoreThan},
		{"slightly more than 50", 50, MoreThan},
		{"as many as 3,864", 3864, UpTo},
		{"up to 43", 43, UpTo},
		{"fewer than 10", 10, UpTo},
		{"about 1.5 million", 1.5e6, About},
		{"around 25,000", 25000, About},
		{"some 80", 80, About},
		{"nearly 30", 30, About},
		{"roughly 7", 7, About},
		{"approximately 120", 120, About},
		{"an estimated 5,000", 5000, About},
		{"~300", 300, About},
		{"300 or so", 300, About},
		{"a dozen", 12, Exact},
		{"about a dozen", 12, About},
		{"two dozen", 24, Exact},
		{"two", 2, Exact},
		{"twenty-five", 25, Exact},
		{"three hundred", 300, Exact},
		{"three hundred and twelve", 312, Exact},
		{"a thousand", 1000, Exact},
		{"two million", 2e6, Exact},
		{"1.5 million", 1.5e6, Exact},
		{"4 billion", 4e9, Exact},
		{"“300”", 300, Exact},
		{"300.", 300, Exact},
	}
	for _, tt := range tests {
		v, q, ok := ParseFigure(tt.in)
		if !ok || v != tt.want || q != tt.q {
			t.Errorf("ParseFigure(%q) = %v, %q, %v; want %v, %q, true", tt.in, v, q, ok, tt.want, tt.q)
		}
	}
}

func TestParseFigureRefuses(t *testing.T) {
	for _, in := range []string{
		"", "dozens", "hundreds", "a few", "several", "30 to 50", "30-50",
		"two or three", "12th", "10:32", "at least", "300 people", "killed 300",
		"1,000-strong", "many", "more than", "three four",
	} {
		if v, q, ok := ParseFigure(in); ok {
			t.Errorf("ParseFigure(%q) = %v, %q, true; want refused", in, v, q)
		}
	}
}

func TestExtractQualifiers(t *testing.T) {
	tests := []struct {
		text  string
		value float64
		q     Qualifier
	}{
		{"Officials said 12 civilians were killed in the raid.", 12, Exact},
		{"At least 12 civilians were killed in the raid.", 12, AtLeast},
		{"More than 300 people were injured in the blast.", 300, MoreThan},
		{"Over 40 homes were destroyed by the flood.", 40, MoreThan},
		{"As many as 1,200 people remain trapped under rubble.", 1200, UpTo},
		{"Up to 500 troops were deployed to the border.", 500, UpTo},
		{"Around 2.5 million people have been displaced.", 2.5e6, About},
		{"Some 80 bodies were recovered from the river.", 80, About},
		{"Nearly 30 children died of cholera.", 30, About},
		{"Roughly 70 fighters were captured.", 70, About},
		{"Approximately 150 people are missing.", 150, About},
		{"An estimated 9,000 residents fled the town.", 9000, About},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := only(t, tt.text)
			if f.Value != tt.value || f.Qualifier != tt.q {
				t.Errorf("got %v %q, want %v %q", f.Value, f.Qualifier, tt.value, tt.q)
			}
		})
	}
}

func TestExtractNumberFormats(t *testing.T) {
	tests := []struct {
		text   string
		value  float64
		metric string
	}{
		{"The strike killed 3,864 people.", 3864, "killed"},
		{"Floods left 1.5 million people displaced.", 1.5e6, "displaced"},
		{"The storm injured 2.5 people per household.", 2.5, "injured"},
		{"Two children were killed in the shelling.", 2, "killed"},
		{"A dozen soldiers were wounded.", 12, "injured"},
		{"Twenty-five villagers were abducted overnight.", 25, "abducted"},
		{"The ministry said 14 guards were killed when the jail was stormed.", 14, "killed"},
		{"They faced a 1,000-strong rebel force in the hills.", 1000, "fighters"},
		{"The coalition carried out 1,094 airstrikes.", 1094, "airstrikes"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := only(t, tt.text)
			if f.Value != tt.value || f.Metric != tt.metric {
				t.Errorf("got %v %q, want %v %q", f.Value, f.Metric, tt.value, tt.metric)
			}
		})
	}
}

// Vague quantities are not checkable figures: "dozens", "hundreds", and a
// hedged idiom such as "more than a dozen" are left out.
func TestExtractSkipsVagueQuantities(t *testing.T) {
	for _, text := range []string{
		"Dozens of people were killed in the attack.",
		"Hundreds of families fled the fighting.",
		"Thousands were displaced by the floods.",
		"A few soldiers were wounded.",
		"He lost more than a dozen relatives in the strike.",
		"Two or three houses were destroyed.",
	} {
		if figs := Extract(text); len(figs) != 0 {
			t.Errorf("Extract(%q) = %+v, want none", text, figs)
		}
	}
}

func TestExtractNonClaims(t *testing.T) {
	text := strings.Join([]string{
		"Share",
		"Updated 10:32 GMT",
		"March 25, 2017 at 11:22 am",
		"Read more: 50 killed in market bombing",
		"",
		"The war began in 2011 and the city fell on 12 June 2014.",
		"A 12-year-old boy and a girl aged 9 were hurt.",
		"The siege lasted three days and the talks 14 hours.",
		"About 60 percent of the buildings were damaged.",
		"Rebuilding will cost $5 million, officials said.",
		"The vote opened at 7 am on the 3rd of May.",
		"Two officials said the bridge was closed.",
		"Two divisions of the army fled the city.",
	}, "\n")
	if figs := Extract(text); len(figs) != 0 {
		for _, f := range figs {
			t.Errorf("not a claim: %v %s in %q", f.Value, f.Metric, f.Sentence)
		}
	}
}

func TestExtractContext(t *testing.T) {
	f := only(t, "At least 300 civilians have been killed in western Mosul since mid-February, according to the UN human rights office.")
	want := Figure{Value: 300, Qualifier: AtLeast, Metric: "killed", Who: "civilians",
		Place: "western Mosul", Period: "since mid-February", Source: "UN human rights office"}
	if f.Value != want.Value || f.Qualifier != want.Qualifier || f.Metric != want.Metric || f.Who != want.Who ||
		f.Place != want.Place || f.Period != want.Period || f.Source != want.Source {
		t.Errorf("got  %+v\nwant %+v", f, want)
	}
}

func TestExtractMetrics(t *testing.T) {
	tests := []struct {
		text, metric, who string
	}{
		{"The bodies of 80 dead civilians were pulled from the rubble.", "bodies", "civilians"},
		{"More than 10,000 homes in the old city were destroyed.", "homes_destroyed", ""},
		{"The coalition conducted 645 strikes on the city.", "airstrikes", ""},
		{"Some 27 civilians are killed in the city daily.", "killed_per_day", "civilians"},
		{"An average of 30 civilians were killed a month.", "killed_per_month", "civilians"},
		{"Around 25,000 civilians are still trapped in the city.", "trapped", "civilians"},
		{"Police arrested 45 protesters on Friday.", "arrested", "protesters"},
		{"The raid left 151 civilian deaths.", "killed", "civilians"},
		{"Civilian fatalities rose to 198 in March.", "killed", "civilians"},
		{"Gunmen opened fire, killing 40.", "killed", "people"},
		{"He buried 13 members of his family.", "killed", "family members"},
		{"The army deployed 5,000 troops to the north.", "troops", "troops"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			f := only(t, tt.text)
			if f.Metric != tt.metric || f.Who != tt.who {
				t.Errorf("metric %q who %q, want %q %q", f.Metric, f.Who, tt.metric, tt.who)
			}
		})
	}
}

// A comparison restates the main figure's metric; a breakdown inherits it.
func TestExtractFollowUpFigures(t *testing.T) {
	figs := Extract("Deaths rose to 198 in March, including 32 children and 31 women, compared to 56 in February, the monitor said.")
	var got []string
	for _, f := range figs {
		got = append(got, f.Metric+":"+f.Period)
		if f.Source != "monitor" {
			t.Errorf("%v: source %q, want monitor", f.Value, f.Source)
		}
	}
	want := "killed:in March killed:in March killed:in March killed:in February"
	if strings.Join(got, " ") != want {
		t.Errorf("got %q, want %q", strings.Join(got, " "), want)
	}
}

func TestExtractAttribution(t *testing.T) {
	tests := []struct {
		name, text, source string
	}{
		{"according to", "At least 12 people were killed, according to the Red Crescent.", "Red Crescent"},
		{"according to estimates", "According to UN estimates made public Monday, 900 people are trapped.", "UN"},
		{"according to possessive", "According to Ali's own count, 40 people were killed.", "Ali"},
		{"X said", "The health ministry said 12 people were killed.", "health ministry"},
		{"X also said that", "Hassan also said that 7 fighters were captured.", "Hassan"},
		{"said after", "Twelve people were killed in the strike, the ministry said.", "ministry"},
		{"said X after quote", "“We counted 35 bodies,” said Ahmed Karim, a rescue worker.", "Ahmed Karim"},
		{"X told", "As many as 1,200 people were trapped, a rescuer told Reuters.", "rescuer"},
		{"office confirmed", "The governor's office confirmed that 17 people were missing.", "governor's office"},
		{"opener then subject", "On Friday, local officials announced that 80 bodies had been found.", "local officials"},
		{"name over appositive", "Despite the danger, Omar Haddad, the town's mayor, said 60 homes were destroyed.", "Omar Haddad"},
		{"dash aside", "A police officer – who asked not to be named – told reporters that 9 people died.", "police officer"},
		{"title", "Dr. Lina Saleh said 23 patients were evacuated.", "Dr. Lina Saleh"},
		{"unattributed", "Twelve people were killed in the strike.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f := only(t, tt.text); f.Source != tt.source {
				t.Errorf("source %q, want %q", f.Source, tt.source)
			}
		})
	}
}

func TestExtractBackReferences(t *testing.T) {
	tests := []struct {
		name, text, source string
	}{
		{"he said", "Karim Nasser is a nurse at the clinic. Nasser said the clinic was full. He said 30 patients were wounded.", "Nasser"},
		{"it said, previous source", "The agency said the town was cut off. It said 400 families were displaced.", "agency"},
		{"it said, previous subject", "The ministry published a report on Tuesday. It said 26 children died.", "ministry"},
		{"it said, own subject", "The coalition conducted 58 strikes last week, it said.", "coalition"},
		{"paragraph continues", "Monitors said the shelling was heavy. In all, 14 civilians were killed.", "Monitors"},
		{"quotation continues", "“It is a catastrophe,” Salma noted. “More than 200 people have been killed.”", "Salma"},
		{"quotation attributed next", "“We found 35 bodies. It was terrible.” the medic said.", "medic"},
		{"new paragraph does not inherit", "Monitors said the shelling was heavy.\n\nIn all, 14 civilians were killed.", ""},
		{"witness account", "“Why us?” asked Bashir Saad, a farmer.\n\nSaad, who lives nearby, buried 9 members of his family.", "Saad"},
		{"pronoun with no antecedent", "He said 14 people were killed.", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if f := only(t, tt.text); f.Source != tt.source {
				t.Errorf("source %q, want %q", f.Source, tt.source)
			}
		})
	}
}

func TestExtractRepeatedFigureCountsMentions(t *testing.T) {
	text := "At least 40 people were killed, the ministry said.\n\nRescuers kept digging.\n\nThe ministry said 40 people were killed and 12 injured.\n\nA monitor said 40 people were killed."
	figs := Extract(text)
	if len(figs) != 3 {
		t.Fatalf("got %d figures, want 3 (40/ministry, 12/ministry, 40/monitor): %+v", len(figs), figs)
	}
	if figs[0].Value != 40 || figs[0].Mentions != 2 || figs[0].Qualifier != AtLeast {
		t.Errorf("first figure %+v, want 40 at_least with 2 mentions", figs[0])
	}
	if figs[2].Source != "monitor" || figs[2].Mentions != 1 {
		t.Errorf("third figure %+v, want the monitor's own 40", figs[2])
	}
}

func TestExtractOffsets(t *testing.T) {
	text := "Headline\n\nIn Syria, 12 people died.  Rescuers said 9 more were injured in Idlib. Share\n"
	for _, f := range Extract(text) {
		if text[f.Start:f.End] != f.Sentence {
			t.Errorf("text[%d:%d] = %q, want %q", f.Start, f.End, text[f.Start:f.End], f.Sentence)
		}
	}
}

func TestSentences(t *testing.T) {
	text := "The U.S. military said 5 died. Gen. Smith agreed.\n“It was bad.” He left.\nThe storm hit\nthe coast at night.\n\nNext paragraph."
	var got []string
	for _, s := range sentences(text, nil) {
		got = append(got, text[s.start:s.end])
	}
	want := []string{
		"The U.S. military said 5 died.",
		"Gen. Smith agreed.",
		"“It was bad.”",
		"He left.",
		"The storm hit\nthe coast at night.",
		"Next paragraph.",
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("sentences:\n got %q\nwant %q", got, want)
	}
}

func TestExtractPeoplesNames(t *testing.T) {
	f := only(t, "Israeli strikes killed 30 Palestinians overnight, medics said.")
	if f.Value != 30 || f.Who != "Palestinians" || f.Metric != "killed" || f.Source != "medics" {
		t.Errorf("got %+v", f)
	}
	// A single strike is the event being described, not a count of strikes.
	f = only(t, "One strike killed 40 people in the market.")
	if f.Value != 40 {
		t.Errorf("got %+v, want the 40 killed only", f)
	}
}
