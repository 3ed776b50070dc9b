package workflows_test

import (
	"fmt"

	"github.com/factdesk/factdesk/workflows"
)

// Two sources support the claim's figure within the default 10% tolerance:
// the claim is corroborated, and Origins names them by their canonical keys
// (the UN human rights office is OHCHR however a reporter writes it). A
// third states a figure far outside it: the claim is disputed, and the
// assessment says between which figures.
func ExampleRules_Assess() {
	rules := workflows.DefaultRules()
	claimed := &workflows.Figure{Value: 140, Qualifier: workflows.Exact}
	evidence := []workflows.Evidence{
		{Source: "UN human rights office", Stance: workflows.Supports, Figure: &workflows.Figure{Value: 140, Qualifier: workflows.Exact}},
		{Source: "Airwars", Stance: workflows.Supports, Figure: &workflows.Figure{Value: 150, Qualifier: workflows.About}},
	}
	a := rules.Assess(claimed, evidence)
	fmt.Println(a.State, a.Origins)

	evidence = append(evidence, workflows.Evidence{Source: "Iraqi army", Stance: workflows.Contradicts,
		Figure: &workflows.Figure{Value: 3864, Qualifier: workflows.UpTo}})
	a = rules.Assess(claimed, evidence)
	fmt.Println(a.State)
	fmt.Println(a.Low.Figure.Value, a.Low.Source, "vs", a.High.Figure.Value, a.High.Source)
	// Output:
	// corroborated [airwars ohchr]
	// disputed
	// 140 UN human rights office vs 3864 Iraqi army
}
