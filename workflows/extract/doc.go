// Package extract finds figure claims in plain article text: the counts and
// rates a reader could check against another source, such as people killed,
// injured or displaced, bodies recovered, homes destroyed, strikes carried out
// or troops deployed.
//
// For every claim it reports the number, how it was hedged (the Qualifier),
// what is counted (the metric and who), where and when when the sentence
// says so, the attributed source as written in the article, and the sentence
// with its byte offsets so a reviewer can see the figure in context.
//
// The extractor is rule based and deliberately conservative: a number becomes
// a claim only when it counts something the rules recognise (a casualty noun,
// people with a casualty verb, strikes, homes destroyed, a force's size).
// Dates, years, clock times, ages, durations, ranges and vague quantities
// ("dozens", "hundreds") are not claims. No rule names a particular article,
// outlet or conflict: everything is driven by the small English lexicon in
// lexicon.go.
//
// The package is pure: it imports only the standard library, performs no I/O
// and never imports the chat, storage or platform packages. Turning an HTML
// page into text is done outside the core, by the fetcher
// (internal/webfetch), which reads pages through the PageFetcher port.
package extract
