package main

import (
	"net/http"
	"regexp"
	"testing"
)

// TestServerTiming: admin answers, errors included, carry a Server-Timing
// header with the time inappd took; the hot device operations do not.
func TestServerTiming(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	app := createApp(t, client(m, nil), "timed")
	timing := regexp.MustCompile(`^app;dur=\d+\.\d$`)
	for _, c := range []struct {
		what, method, path string
		status             int
		timed              bool
	}{
		{"GetApp", http.MethodGet, "/v1/apps/" + app, 200, true},
		{"GetApp of a missing app", http.MethodGet, "/v1/apps/0123456789abcdef0123456789abcdef", 404, true},
		{"GetInAppMessages", http.MethodGet, "/v1/apps/" + app + "/endpoints/d1/inappmessages", 200, false},
	} {
		r := rawCall(t, m, nil, c.method, c.path, nil)
		if r.Status != c.status {
			t.Fatalf("%s: %d %s, want %d", c.what, r.Status, r.Body, c.status)
		}
		got := r.Header.Get("Server-Timing")
		if c.timed && !timing.MatchString(got) {
			t.Errorf("%s: Server-Timing %q, want app;dur=<ms>", c.what, got)
		}
		if !c.timed && got != "" {
			t.Errorf("%s: Server-Timing %q, want none on the hot path", c.what, got)
		}
	}
}
