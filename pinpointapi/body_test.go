package pinpointapi

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestReadBody sends payloads over a real connection: none (a GET), of a
// known length, chunked (no length), and one over MaxBodyBytes, and checks
// what readBody hands the signature check and the handler.
func TestReadBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := readBody(w, r)
		var tooBig *http.MaxBytesError
		switch {
		case errors.As(err, &tooBig):
			fmt.Fprintf(w, "too large")
		case err != nil:
			fmt.Fprintf(w, "error %v", err)
		default:
			fmt.Fprintf(w, "nil=%t len=%d sum=%d", b == nil, len(b), sum(b))
		}
	}))
	defer srv.Close()
	payload := bytes.Repeat([]byte("0123456789abcdef"), 4096) // 64 KiB
	big := make([]byte, MaxBodyBytes+1)
	for _, c := range []struct {
		name    string
		method  string
		body    io.Reader
		chunked bool
		want    string
	}{
		{"no body", "GET", nil, false, "nil=true len=0 sum=0"},
		{"empty POST", "POST", bytes.NewReader(nil), false, "nil=true len=0 sum=0"},
		{"known length", "POST", bytes.NewReader(payload), false, fmt.Sprintf("nil=false len=%d sum=%d", len(payload), sum(payload))},
		{"chunked", "POST", bytes.NewReader(payload), true, fmt.Sprintf("nil=false len=%d sum=%d", len(payload), sum(payload))},
		{"exactly the maximum", "POST", bytes.NewReader(big[:MaxBodyBytes]), false, fmt.Sprintf("nil=false len=%d sum=0", MaxBodyBytes)},
		{"over the maximum", "POST", bytes.NewReader(big), false, "too large"},
		{"over the maximum, chunked", "POST", bytes.NewReader(big), true, "too large"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, err := http.NewRequest(c.method, srv.URL, c.body)
			if err != nil {
				t.Fatal(err)
			}
			if c.chunked {
				req.Body = io.NopCloser(c.body) // hides the length: sent chunked
				req.ContentLength = -1
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				if c.want == "too large" && strings.Contains(err.Error(), "connection reset") {
					return // the server may close before the client is done sending
				}
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if string(got) != c.want {
				t.Errorf("got %q, want %q", got, c.want)
			}
		})
	}
}

func sum(b []byte) int {
	s := 0
	for _, x := range b {
		s += int(x)
	}
	return s
}
