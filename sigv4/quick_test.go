package sigv4

import (
	"context"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The quick path signs exactly as the SDK's signer signs the rebuilt
// request, on varied requests: paths with escapes, headers with runs of
// spaces, tabs and several values, content lengths signed or not, several
// hosts and regions. Lists the quick path does not take go to the SDK.
func TestQuickAgreesWithSDK(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func(xs ...string) string { return xs[rng.IntN(len(xs))] }
	v := newVerifier(newKeys())
	e, err := v.lookup(context.Background(), testID)
	if err != nil || e.key == nil {
		t.Fatal(e, err)
	}
	names := []string{"content-type", "amz-sdk-invocation-id", "amz-sdk-request", "x-amz-user-agent", "user-agent",
		"x-amz-security-token", "x-amz-content-sha256", "accept", "x-custom", "expect", "x-amzn-trace-id"}
	values := []string{"a", "  a  b  ", "a\tb", " a,b ", "", "x  y   z", "application/json", "\tpadded\t", "é ü", "attempt=1; max=3"}
	segments := []string{"v1", "apps", testApp, "endpoints", "e-1", "inappmessages", "arn%3Aaws%3Amobiletargeting%3Aus-east-1%3A0%3Aapps%2Fx",
		"a%20b", "%C3%A9t%C3%A9", "x~y.z_-", "a+b", "a;b", "(x)", "*", "%2F", "a:b", "caf%C3%A9", ""}
	quick, agreed := 0, 0
	for i := range 5000 {
		var segs []string
		for range 1 + rng.IntN(6) {
			segs = append(segs, pick(segments...))
		}
		target := "/" + strings.Join(segs, "/")
		if rng.IntN(10) == 0 {
			target += "?" + pick("page-size=1", "tagKeys=a&tagKeys=b", "")
		}
		u, err := url.ParseRequestURI(target)
		if err != nil {
			t.Fatal(target, err)
		}
		r := &http.Request{Method: pick("GET", "POST", "PUT", "DELETE", "PATCH"), URL: u, Header: http.Header{},
			Host: pick("127.0.0.1:8080", "example.com", "pinpoint.us-east-1.amazonaws.com", "Example.COM:443", "host  with  spaces")}
		r.ContentLength = []int64{0, -1, 17, 2048}[rng.IntN(4)]
		payloadLen := int64(rng.IntN(3) * 10)
		at := testNow.Add(time.Duration(rng.IntN(100000)) * time.Second)
		r.Header.Set("X-Amz-Date", at.Format(amzDateFormat))
		list := []string{"host", "x-amz-date"}
		if rng.IntN(2) == 0 {
			list = append(list, "content-length")
		}
		for _, n := range names {
			switch rng.IntN(4) {
			case 0: // absent
			case 1: // present, unsigned
				r.Header.Add(n, pick(values...))
			default: // present and signed, one or more values
				for range 1 + rng.IntN(2) {
					r.Header.Add(n, pick(values...))
				}
				list = append(list, n)
			}
		}
		if rng.IntN(20) == 0 {
			list = append(list, "x-missing") // signed yet not sent
		}
		slices.Sort(list)
		switch rng.IntN(20) {
		case 0:
			list[0], list[len(list)-1] = list[len(list)-1], list[0] // unsorted
		case 1:
			list = append(list, list[0]) // a name twice
		case 2:
			list[0] = strings.ToUpper(list[0])
		}
		sr := &request{signedHeaders: strings.Join(list, ";"), date: at.Format(amzDateFormat)}
		if !quickable(r, sr) {
			continue
		}
		quick++
		region := pick("us-east-1", "eu-west-1", "cn-north-1")
		for _, host := range []string{r.Host, SigningHost(region)} {
			payloadHash := hashHex([]byte(strings.Repeat("x", i%3)))
			got := v.quickSignature(e, r, sr, payloadHash, payloadLen, at, region, host)
			sc := scratchPool.Get().(*scratch)
			req := sc.rebuild(r, sr, payloadLen)
			req.Host = host
			want, ok := v.sign(e, req, sr, payloadHash, at, region)
			sc.release()
			if !ok || got != want {
				t.Fatalf("request %d: %s %s host %q, signed %q, headers %q, length %d/%d:\nquick %s\nSDK   %s",
					i, r.Method, target, host, sr.signedHeaders, r.Header, r.ContentLength, payloadLen, got, want)
			}
			agreed++
		}
	}
	if quick < 1000 {
		t.Errorf("only %d of 5000 requests took the quick path", quick)
	}
	t.Logf("%d requests took the quick path, %d signatures agreed", quick, agreed)
}
