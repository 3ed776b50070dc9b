package workflows

import "testing"

// TestLookAlikeSources: invisible, full-width and look-alike spellings of
// one source are one origin, and cannot corroborate a claim alone.
func TestLookAlikeSources(t *testing.T) {
	variants := []string{
		"UN",
		"U\u200bN",       // zero-width space
		"U\u200dN\u200c", // zero-width joiner and non-joiner
		"\u202eUN\u202c", // right-to-left override … pop
		"\u2067UN\u2069", // right-to-left isolate
		"ＵＮ",             // full width
		"U\uFE0FN",       // variation selector
		"UΝ",             // Greek capital nu
		"ՍN",             // Armenian capital seh
		"uν",             // Greek small nu: upper-cased it is Ν, so N
		"U.N.",
		"Unіted Nаtions", // Cyrillic і and а
		"U N",            // spaced out
		"U\u00a0N",       // no-break space
		"U\u3000N",       // ideographic space
		"United  Nations",
		"UnitedNations",
	}
	for _, v := range variants {
		if got, want := OriginKey(v), OriginKey("UN"); got != want {
			t.Errorf("OriginKey(%q) = %q, want %q (the UN's)", v, got, want)
		}
	}
	for _, pair := range [][2]string{{"Reuters", "R e u t e r s"}, {"Iraqi army", "Iraqiarmy"}, {"Iraqi army", "Iraqi-army"}} {
		if !SameOrigin(pair[0], pair[1]) {
			t.Errorf("%q and %q count as two origins", pair[0], pair[1])
		}
	}
	// Cyrillic С, Е and І imitate C, E and I.
	if !SameOrigin("UNICEF", "UNІСЕF") || !SameOrigin("unicef", "UNІСЕF") {
		t.Error("UNICEF with Cyrillic letters counts as another origin")
	}
	for _, pair := range [][2]string{{"UN", "UNHCR"}, {"Reuters", "AP"}, {"Iraqi army", "Iraqi navy"}, {"Médecins", "Medecins"}} {
		if SameOrigin(pair[0], pair[1]) {
			t.Errorf("%q and %q count as one origin", pair[0], pair[1])
		}
	}
	if got := NormalizeSource("U\u200bN"); got != "un" {
		t.Errorf("NormalizeSource(U+200B) = %q, want un", got)
	}
	r := DefaultRules()
	ev := func(src string, st Stance, f *Figure) Evidence { return Evidence{Source: src, Stance: st, Figure: f} }
	var evidence []Evidence
	for _, v := range variants {
		evidence = append(evidence, ev(v, Supports, nil))
	}
	a := r.Assess(nil, evidence)
	if len(a.Origins) != 1 || a.State == Corroborated {
		t.Errorf("%d spellings of the UN: origins %q, state %s; want one origin, not corroborated", len(variants), a.Origins, a.State)
	}
	a = r.Assess(nil, append(evidence, ev("Red Crescent", Supports, nil)))
	if len(a.Origins) != 2 {
		t.Errorf("the UN's spellings and the Red Crescent: origins %q, want 2", a.Origins)
	}
}
