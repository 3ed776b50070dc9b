// Package savepagenow asks the Internet Archive's Wayback Machine to
// capture a page, through its Save Page Now 2 API (SPN2): a capture
// request, then status requests until the capture succeeds or fails. It
// implements workflows/archive.Saver and knows nothing else of the desk.
package savepagenow
