package workflows

import "context"

// RefreshCards edits a claim's cards in place to show what changed outside
// any command, such as a link of its evidence being archived. It enqueues
// nothing when the claim has no card.
func (e *Engine) RefreshCards(ctx context.Context, id int64) error {
	c, err := e.Store.Claim(ctx, id)
	if err != nil {
		return err
	}
	if len(c.Threads) == 0 {
		return nil
	}
	e.nameCard(ctx, c)
	card := CardMessage(c, e.Rules.Assess(c.Figure, c.Evidence))
	ch := &change{}
	for _, t := range c.Threads {
		ch.out = append(ch.out, Outgoing{Platform: t.Platform, Channel: t.Channel, Kind: KindCardUpdate, ClaimID: c.ID, Message: card})
	}
	return e.commit(ctx, Request{}, ch)
}
