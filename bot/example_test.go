package bot_test

import (
	"fmt"

	"github.com/factdesk/factdesk/bot"
)

// A reporter adds a source's account to claim 12: the grammar reads the
// stance, the source, its figure and the quote.
func ExampleGrammar_Parse() {
	g := bot.NewGrammar()
	cmd, err := g.Parse(`evidence 12 contradicts source="Iraqi army" figure=3864 "as many as 3,864 civilians"`)
	if err != nil {
		fmt.Println(err)
		return
	}
	ev := cmd.Evidence
	fmt.Println(cmd.Name, cmd.ClaimID, ev.Stance, ev.Source, ev.Figure.Value, ev.Quote)
	// Output: evidence 12 contradicts Iraqi army 3864 as many as 3,864 civilians
}
