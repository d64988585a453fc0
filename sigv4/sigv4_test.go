package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	inapp "github.com/inappd/inappd"
)

const (
	testID     = "AKIAINAPPDTEST000001"
	testSecret = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
	testApp    = "0123456789abcdef0123456789abcdef"
)

var testNow = time.Date(2026, 11, 21, 10, 30, 0, 0, time.UTC)

// memKeys is a KeyLookup over a map that counts its calls.
type memKeys struct {
	mu    sync.Mutex
	keys  map[string]*inapp.AccessKey
	err   error
	delay time.Duration
	calls atomic.Int64
}

func newKeys() *memKeys {
	return &memKeys{keys: map[string]*inapp.AccessKey{
		testID: {ID: testID, Secret: testSecret, AppID: testApp, CreationDate: "2026-11-01T00:00:00.000Z"},
	}}
}

func (m *memKeys) GetKey(ctx context.Context, id string) (*inapp.AccessKey, error) {
	m.calls.Add(1)
	if m.delay > 0 {
		select {
		case <-time.After(m.delay):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.err != nil {
		return nil, m.err
	}
	k, ok := m.keys[id]
	if !ok {
		return nil, inapp.Errorf(inapp.ENOTFOUND, "Access key %s not found.", id)
	}
	kc := *k
	return &kc, nil
}

func (m *memKeys) set(k *inapp.AccessKey) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if k.Secret == "" {
		delete(m.keys, k.ID)
		return
	}
	m.keys[k.ID] = k
}

func newVerifier(keys KeyLookup) *Verifier {
	return &Verifier{Keys: keys, Clock: &inapp.FixedClock{T: testNow}}
}

// result is what the test server saw.
type result struct {
	key     *inapp.AccessKey
	err     error
	rawPath string // r.URL.EscapedPath() as the server received it
	query   string
	host    string
}

// serve starts a loopback server whose handler reads the body and runs
// v.Verify, reporting every result on the returned channel.
func serve(t testing.TB, v *Verifier) (string, <-chan result) {
	t.Helper()
	ch := make(chan result, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading body: %v", err)
		}
		k, err := v.Verify(r, body)
		ch <- result{key: k, err: err, rawPath: r.URL.EscapedPath(), query: r.URL.RawQuery, host: r.Host}
		if err != nil {
			w.WriteHeader(http.StatusForbidden)
		}
	}))
	t.Cleanup(srv.Close)
	return srv.URL, ch
}

// clientReq is a request as a client builds it before signing.
type clientReq struct {
	method string
	target string // path and query, already escaped as the client sends them
	body   []byte
	header map[string]string

	// Signing.
	id, secret, token string
	region, service   string
	at                time.Time
	signHost          string            // sign for this host instead of the one the request goes to
	noContentLength   bool              // sign without content-length, as Amplify and botocore do
	signedExtra       map[string]string // headers the SDK signer skips (User-Agent...), signed anyway
}

func (c clientReq) withDefaults() clientReq {
	if c.method == "" {
		c.method = http.MethodGet
	}
	if c.id == "" {
		c.id = testID
	}
	if c.secret == "" {
		c.secret = testSecret
	}
	if c.region == "" {
		c.region = "us-east-1"
	}
	if c.service == "" {
		c.service = Service
	}
	if c.at.IsZero() {
		c.at = testNow
	}
	return c
}

func hashHex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// sign builds and signs the request with aws-sdk-go-v2's signer, as the SDK
// does, for base (scheme://host:port).
func (c clientReq) sign(t testing.TB, base string) *http.Request {
	t.Helper()
	c = c.withDefaults()
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, base+c.target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range c.header {
		req.Header.Set(k, v)
	}
	for k, v := range c.signedExtra {
		// Lower-case keys escape the signer's list of headers it skips.
		req.Header[strings.ToLower(k)] = []string{v}
	}
	realHost, realLength := req.Host, req.ContentLength
	if c.signHost != "" {
		req.Host = c.signHost
	}
	if c.noContentLength {
		req.ContentLength = 0
	}
	creds := aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hashHex(c.body), c.service, c.region, c.at); err != nil {
		t.Fatal(err)
	}
	req.Host, req.ContentLength = realHost, realLength
	if c.signHost != "" {
		req.Host = "" // the Host header is then the URL's, like a redirected fetch
	}
	for k, v := range c.signedExtra {
		delete(req.Header, strings.ToLower(k))
		req.Header.Set(k, v)
	}
	return req
}

func do(t testing.TB, req *http.Request, ch <-chan result) result {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no result from server")
		return result{}
	}
}

func wantOK(t testing.TB, r result) {
	t.Helper()
	if r.err != nil {
		t.Fatalf("Verify: %v", r.err)
	}
	if r.key == nil || r.key.ID != testID || r.key.AppID != testApp {
		t.Fatalf("Verify returned key %+v", r.key)
	}
}

func wantForbidden(t testing.TB, err error, msg string) {
	t.Helper()
	var e *inapp.Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *inapp.Error", err, err)
	}
	if e.Code != inapp.EFORBIDDEN {
		t.Fatalf("code = %q, want %q (%s)", e.Code, inapp.EFORBIDDEN, e.Message)
	}
	if msg != "" && e.Message != msg {
		t.Fatalf("message =\n\t%q\nwant\n\t%q", e.Message, msg)
	}
}

func wantForbiddenPrefix(t testing.TB, err error, prefix string) {
	t.Helper()
	wantForbidden(t, err, "")
	if m := err.Error(); !strings.HasPrefix(m, prefix) {
		t.Fatalf("message =\n\t%q\nwant prefix\n\t%q", m, prefix)
	}
}

const arnPath = "/v1/tags/arn%3Aaws%3Amobiletargeting%3Aus-east-1%3A000000000000%3Aapps%2F" + testApp

func TestValidRequests(t *testing.T) {
	body := []byte(`{"ChannelType":"IN_APP","User":{"UserId":"u-1"}}`)
	tests := []struct {
		name string
		c    clientReq
		path string // the escaped path the server must have received, if set
	}{
		{name: "GET", c: clientReq{target: "/v1/apps/" + testApp + "/endpoints/e-1/inappmessages"}},
		{name: "GET with query", c: clientReq{target: "/v1/apps?page-size=10&token=abc%2Fdef"}},
		{name: "PUT with body", c: clientReq{method: "PUT", target: "/v1/apps/" + testApp + "/endpoints/e-1",
			body: body, header: map[string]string{"Content-Type": "application/json"}}},
		{name: "POST with body", c: clientReq{method: "POST", target: "/v1/apps/" + testApp + "/events",
			body: []byte(`{"BatchItem":{}}`), header: map[string]string{"Content-Type": "application/json"}}},
		{name: "POST without content-length signed", c: clientReq{method: "POST", target: "/v1/apps/" + testApp + "/events",
			body: []byte(`{"BatchItem":{}}`), noContentLength: true, header: map[string]string{"Content-Type": "application/json"}}},
		{name: "POST empty JSON", c: clientReq{method: "POST", target: "/v1/apps", body: []byte(`{}`)}},
		{name: "DELETE", c: clientReq{method: "DELETE", target: "/v1/apps/" + testApp}},
		{name: "ARN in one segment", c: clientReq{method: "POST", target: arnPath, body: []byte(`{"tags":{"k":"v"}}`)}, path: arnPath},
		{name: "repeated query keys", c: clientReq{method: "DELETE", target: arnPath + "?tagKeys=b&tagKeys=a&tagKeys=a%2Fb"}, path: arnPath},
		{name: "lower-case escapes", c: clientReq{target: "/v1/tags/arn%3aaws%3amobiletargeting%3aus-east-1%3a000000000000%3aapps%2f" + testApp}},
		{name: "reserved characters in path", c: clientReq{target: "/v1/apps/" + testApp + "/endpoints/a%20b%2Bc!d'(e)*"}},
		{name: "other region", c: clientReq{region: "eu-central-1", target: "/v1/apps"}},
		{name: "session token", c: clientReq{token: "FwoGZXIvYXdzEJr//////////wEaDOSomeSessionToken==", target: "/v1/apps"}},
		{name: "User-Agent signed", c: clientReq{target: "/v1/apps", signedExtra: map[string]string{"User-Agent": "aws-sdk-java/1.12.0 Linux/6.1"}}},
		{name: "X-Amzn-Trace-Id signed", c: clientReq{target: "/v1/apps", signedExtra: map[string]string{"X-Amzn-Trace-Id": "Root=1-5759e988-bd862e3fe1be46a994272793"}}},
		{name: "header with excess spaces", c: clientReq{target: "/v1/apps", header: map[string]string{"X-Custom": "a   b  c"}}},
		{name: "clock skew within 15 minutes", c: clientReq{target: "/v1/apps", at: testNow.Add(-14 * time.Minute)}},
		{name: "clock ahead within 15 minutes", c: clientReq{target: "/v1/apps", at: testNow.Add(14 * time.Minute)}},
		{name: "Amplify: signed for the Pinpoint host", c: clientReq{
			method: "PUT", target: "/v1/apps/" + testApp + "/endpoints/3f2b8c1e-0c4b-4f5e-9a51-2f7f3c0d9b11",
			region: "us-west-2", signHost: "pinpoint.us-west-2.amazonaws.com", noContentLength: true,
			token: "IQoJb3JpZ2luX2VjEXAMPLE", body: body,
			header: map[string]string{
				"Content-Type":          "application/json",
				"Amz-Sdk-Invocation-Id": "2f5f6c3a-3c53-4f6e-8a8b-0d3c6c8f1d2e",
				"Amz-Sdk-Request":       "attempt=1; max=3",
				"X-Amz-User-Agent":      "aws-amplify/6.22.1 inappmessaging/2 framework/0",
			}}},
		{name: "Amplify: GetInAppMessages", c: clientReq{
			target: "/v1/apps/" + testApp + "/endpoints/e-1/inappmessages",
			region: "us-west-2", signHost: "pinpoint.us-west-2.amazonaws.com",
			header: map[string]string{"Amz-Sdk-Request": "attempt=1; max=3", "X-Amz-User-Agent": "aws-amplify/6.22.1 framework/0"}}},
		{name: "Amplify: China partition", c: clientReq{target: "/v1/apps", region: "cn-north-1", signHost: "pinpoint.cn-north-1.amazonaws.com.cn"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(newKeys())
			base, ch := serve(t, v)
			r := do(t, tt.c.sign(t, base), ch)
			wantOK(t, r)
			if tt.path != "" && r.rawPath != tt.path {
				t.Errorf("server received path %q, want %q", r.rawPath, tt.path)
			}
			if tt.c.signHost != "" && r.host == tt.c.signHost {
				t.Errorf("server received Host %q: the test does not exercise the fallback", r.host)
			}
		})
	}
}

// TestTampered changes what the server receives after signing.
func TestTampered(t *testing.T) {
	body := []byte(`{"BatchItem":{"e-1":{"Endpoint":{},"Events":{}}}}`)
	post := clientReq{method: "POST", target: "/v1/apps/" + testApp + "/events", body: body,
		header: map[string]string{"Content-Type": "application/json"}}
	tests := []struct {
		name   string
		c      clientReq
		tamper func(*http.Request)
	}{
		{"body", post, func(r *http.Request) {
			b := bytes.Replace(body, []byte("e-1"), []byte("e-2"), 1)
			r.Body = io.NopCloser(bytes.NewReader(b))
		}},
		{"body, content-length unsigned", func() clientReq { c := post; c.noContentLength = true; return c }(), func(r *http.Request) {
			b := append(bytes.Clone(body), ' ')
			r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(b)), int64(len(b))
		}},
		{"path", clientReq{target: "/v1/apps/" + testApp + "/endpoints/e-1/inappmessages"}, func(r *http.Request) {
			r.URL.Path = "/v1/apps/" + testApp + "/endpoints/e-2/inappmessages"
		}},
		{"path escaping: %2F sent as /", clientReq{target: arnPath}, func(r *http.Request) {
			r.URL.RawPath = ""
		}},
		{"method", clientReq{method: "DELETE", target: "/v1/apps/" + testApp}, func(r *http.Request) {
			r.Method = "GET"
		}},
		{"query added", clientReq{target: "/v1/apps"}, func(r *http.Request) {
			r.URL.RawQuery = "page-size=1"
		}},
		{"repeated query value dropped", clientReq{method: "DELETE", target: arnPath + "?tagKeys=a&tagKeys=b"}, func(r *http.Request) {
			r.URL.RawQuery = "tagKeys=a"
		}},
		{"signed header changed", post, func(r *http.Request) {
			r.Header.Set("Content-Type", "text/plain")
		}},
		{"signed User-Agent changed", clientReq{target: "/v1/apps", signedExtra: map[string]string{"User-Agent": "client/1"}}, func(r *http.Request) {
			r.Header.Set("User-Agent", "client/2")
		}},
		{"session token changed", clientReq{target: "/v1/apps", token: "token-1"}, func(r *http.Request) {
			r.Header.Set("X-Amz-Security-Token", "token-2")
		}},
		{"date changed", clientReq{target: "/v1/apps"}, func(r *http.Request) {
			r.Header.Set("X-Amz-Date", testNow.Add(time.Second).Format(amzDateFormat))
		}},
		{"signature changed", clientReq{target: "/v1/apps"}, func(r *http.Request) {
			a := r.Header.Get("Authorization")
			flipped := "0"
			if a[len(a)-1] == '0' {
				flipped = "1"
			}
			r.Header.Set("Authorization", a[:len(a)-1]+flipped)
		}},
		{"signature upper-case", clientReq{target: "/v1/apps"}, func(r *http.Request) {
			a := r.Header.Get("Authorization")
			i := strings.LastIndex(a, "=") + 1
			r.Header.Set("Authorization", a[:i]+strings.ToUpper(a[i:]))
		}},
		{"signed for another host", clientReq{target: "/v1/apps", signHost: "evil.example.com"}, nil},
		{"signed for another region's Pinpoint host", clientReq{target: "/v1/apps", region: "us-west-2", signHost: "pinpoint.us-east-1.amazonaws.com"}, nil},
		{"wrong secret", clientReq{target: "/v1/apps", secret: "not-the-secret"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(newKeys())
			base, ch := serve(t, v)
			req := tt.c.sign(t, base)
			if tt.tamper != nil {
				tt.tamper(req)
			}
			wantForbidden(t, do(t, req, ch).err, MsgSignatureMismatch)
		})
	}
}

func TestRejected(t *testing.T) {
	tests := []struct {
		name string
		c    clientReq
		msg  string
	}{
		{"unknown key", clientReq{id: "AKIANOSUCHKEY0000000"}, MsgInvalidToken},
		{"expired", clientReq{at: testNow.Add(-16 * time.Minute)},
			"Signature expired: 20261121T101400Z is now earlier than 20261121T101500Z (20261121T103000Z - 15 min.)"},
		{"not yet current", clientReq{at: testNow.Add(16 * time.Minute)},
			"Signature not yet current: 20261121T104600Z is still later than 20261121T104500Z (20261121T103000Z + 15 min.)"},
		{"wrong service", clientReq{service: "pinpoint"}, "Credential should be scoped to correct service: 'mobiletargeting'."},
		{"bad region", clientReq{region: "US_EAST_1"}, "Credential should be scoped to a valid region, not 'US_EAST_1'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := newVerifier(newKeys())
			base, ch := serve(t, v)
			tt.c.target = "/v1/apps/" + testApp
			wantForbidden(t, do(t, tt.c.sign(t, base), ch).err, tt.msg)
		})
	}
}

// TestMalformed calls Verify directly with hand-made headers.
func TestMalformed(t *testing.T) {
	date := testNow.Format(amzDateFormat)
	good := "AWS4-HMAC-SHA256 Credential=" + testID + "/20261121/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	tests := []struct {
		name   string
		auth   string
		date   string
		header map[string]string
		query  string
		msg    string // exact message, or prefix when it ends in "..."
	}{
		{name: "no Authorization", date: date, msg: MsgMissingToken},
		{name: "credential only", auth: "AWS4-HMAC-SHA256 Credential=" + testID + "/20261121/us-east-1/mobiletargeting/aws4_request", date: date,
			msg: "Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=AWS4-HMAC-SHA256 Credential=" + testID + "/20261121/us-east-1/mobiletargeting/aws4_request"},
		{name: "bearer token", auth: "Bearer eyJhbGciOiJIUzI1NiJ9", date: date,
			msg: "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization=Bearer eyJhbGciOiJIUzI1NiJ9"},
		{name: "no date", auth: good,
			msg: "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=" + good},
		{name: "Date header only", auth: good, header: map[string]string{"Date": "Sat, 21 Nov 2026 10:30:00 GMT"}, msg: MsgDateHeaderOnly},
		{name: "missing equal sign", auth: "AWS4-HMAC-SHA256 Credential= " + testID + "/20261121/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host;x-amz-date, Signature=00", date: date,
			msg: "'" + testID + "/20261121/us-east-1/mobiletargeting/aws4_request' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential= " + testID + "/20261121/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host;x-amz-date, Signature=00'."},
		{name: "other algorithm", auth: strings.Replace(good, "AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512", 1), date: date,
			msg: "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512' (only AWS4-HMAC-SHA256 for now)."},
		{name: "SigV4a", auth: strings.Replace(good, "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1), date: date,
			msg: "Unsupported AWS 'algorithm': 'AWS4-ECDSA-P256-SHA256' (only AWS4-HMAC-SHA256 for now)."},
		{name: "bad date", auth: good, date: "2026-11-21T10:30:00Z",
			msg: "Date must be in ISO-8601 'basic format'. Got '2026-11-21T10:30:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{name: "host not signed", auth: strings.Replace(good, "host;x-amz-date", "x-amz-date", 1), date: date, msg: MsgHostNotSigned},
		{name: "date not signed", auth: strings.Replace(good, "host;x-amz-date", "host", 1), date: date, msg: MsgDateNotSigned},
		{name: "short credential", auth: strings.Replace(good, "/us-east-1", "", 1), date: date,
			msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + testID + "/20261121/mobiletargeting/aws4_request'"},
		{name: "long credential", auth: strings.Replace(good, "aws4_request", "aws4_request/x", 1), date: date,
			msg: "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '" + testID + "/20261121/us-east-1/mobiletargeting/aws4_request/x'"},
		{name: "everything wrong in the scope", auth: strings.Replace(good, "20261121/us-east-1/mobiletargeting/aws4_request", "20261120//s3/aws5_request", 1), date: date,
			msg: "Credential should be scoped to a valid region, not ''. Credential should be scoped to correct service: 'mobiletargeting'. Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20261120' != '20261121', from '20261121T103000Z'."},
		{name: "empty key id", auth: strings.Replace(good, testID, "", 1), date: date, msg: MsgInvalidToken},
		{name: "both header and query", auth: good, date: date, query: "X-Amz-Algorithm=AWS4-HMAC-SHA256", msg: MsgBothAuth},
		{name: "presigned, incomplete", query: "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=" + date,
			msg: "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. AWS query-string parameters must include 'X-Amz-SignedHeaders'. Re-examine the query-string parameters."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			keys := newKeys()
			v := newVerifier(keys)
			r := httptest.NewRequest("GET", "http://127.0.0.1:8080/v1/apps?"+tt.query, nil)
			if tt.auth != "" {
				r.Header.Set("Authorization", tt.auth)
			}
			if tt.date != "" {
				r.Header.Set("X-Amz-Date", tt.date)
			}
			for k, val := range tt.header {
				r.Header.Set(k, val)
			}
			_, err := v.Verify(r, nil)
			wantForbidden(t, err, tt.msg)
			if n := keys.calls.Load(); n != 0 && tt.msg != MsgSignatureMismatch {
				t.Errorf("the store was asked %d times for a request rejected before the key lookup", n)
			}
		})
	}
}

func TestLongAuthorizationNotEchoedWhole(t *testing.T) {
	v := newVerifier(newKeys())
	r := httptest.NewRequest("GET", "http://127.0.0.1/v1/apps", nil)
	r.Header.Set("Authorization", "Bearer "+strings.Repeat("x", 10000))
	_, err := v.Verify(r, nil)
	wantForbidden(t, err, "")
	if len(err.Error()) > 1000 {
		t.Errorf("message is %d bytes long", len(err.Error()))
	}
}

func TestStoreError(t *testing.T) {
	keys := newKeys()
	boom := inapp.Errorf(inapp.EUNAVAIL, "database is locked")
	keys.err = boom
	v := newVerifier(keys)
	base, ch := serve(t, v)
	r := do(t, clientReq{target: "/v1/apps"}.sign(t, base), ch)
	if !errors.Is(r.err, boom) {
		t.Fatalf("Verify: %v, want the store's error", r.err)
	}
	// Not cached: the next request succeeds once the store is back.
	keys.mu.Lock()
	keys.err = nil
	keys.mu.Unlock()
	wantOK(t, do(t, clientReq{target: "/v1/apps"}.sign(t, base), ch))

	// A plain error (not an *inapp.Error) comes back as it is too.
	v2 := newVerifier(errKeys{})
	base2, ch2 := serve(t, v2)
	if r := do(t, clientReq{target: "/v1/apps"}.sign(t, base2), ch2); !errors.Is(r.err, context.DeadlineExceeded) {
		t.Fatalf("Verify: %v", r.err)
	}
}

type errKeys struct{}

func (errKeys) GetKey(context.Context, string) (*inapp.AccessKey, error) {
	return nil, context.DeadlineExceeded
}

func TestCache(t *testing.T) {
	keys := newKeys()
	clock := &inapp.FixedClock{T: testNow}
	v := &Verifier{Keys: keys, Clock: clock}
	base, ch := serve(t, v)
	get := clientReq{target: "/v1/apps"}

	for range 3 {
		wantOK(t, do(t, get.sign(t, base), ch))
	}
	if n := keys.calls.Load(); n != 1 {
		t.Fatalf("store asked %d times within the TTL, want 1", n)
	}

	// Revocation takes effect once the TTL has passed.
	keys.set(&inapp.AccessKey{ID: testID})
	wantOK(t, do(t, get.sign(t, base), ch))
	clock.T = clock.T.Add(DefaultCacheTTL)
	wantForbidden(t, do(t, get.sign(t, base), ch).err, MsgInvalidToken)

	// Unknown keys are cached too.
	calls := keys.calls.Load()
	wantForbidden(t, do(t, get.sign(t, base), ch).err, MsgInvalidToken)
	if n := keys.calls.Load(); n != calls {
		t.Fatalf("store asked again for a key it just did not have")
	}

	// Forget makes a new key usable at once.
	keys.set(&inapp.AccessKey{ID: testID, Secret: testSecret, AppID: testApp})
	v.Forget(testID)
	wantOK(t, do(t, get.sign(t, base), ch))

	// A changed secret is picked up at the next lookup.
	keys.set(&inapp.AccessKey{ID: testID, Secret: "new-secret", AppID: testApp})
	clock.T = clock.T.Add(DefaultCacheTTL)
	wantForbidden(t, do(t, get.sign(t, base), ch).err, MsgSignatureMismatch)
	c := get
	c.secret = "new-secret"
	wantOK(t, do(t, c.sign(t, base), ch))
}

func TestCacheDisabled(t *testing.T) {
	keys := newKeys()
	v := newVerifier(keys)
	v.CacheTTL = -1
	base, ch := serve(t, v)
	for range 3 {
		wantOK(t, do(t, clientReq{target: "/v1/apps"}.sign(t, base), ch))
	}
	if n := keys.calls.Load(); n != 3 {
		t.Fatalf("store asked %d times, want 3", n)
	}
}

// TestConcurrentLookups: requests arriving while a key is being looked up
// wait for that lookup instead of asking the store themselves.
func TestConcurrentLookups(t *testing.T) {
	keys := newKeys()
	keys.delay = 50 * time.Millisecond
	v := newVerifier(keys)
	base, _ := serve(t, v)
	r := clientReq{target: "/v1/apps"}.sign(t, base)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req := httptest.NewRequest("GET", r.URL.String(), nil)
			req.Header = r.Header.Clone()
			req.Host = r.URL.Host
			_, err := v.Verify(req, nil)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n := keys.calls.Load(); n != 1 {
		t.Fatalf("store asked %d times, want 1", n)
	}
}

// TestCancelledLeader: a lookup cut short by its own request's context
// does not fail the requests that were waiting for it.
func TestCancelledLeader(t *testing.T) {
	keys := newKeys()
	keys.delay = 100 * time.Millisecond
	v := newVerifier(keys)
	base, _ := serve(t, v)
	signed := clientReq{target: "/v1/apps"}.sign(t, base)
	mk := func(ctx context.Context) *http.Request {
		req := httptest.NewRequestWithContext(ctx, "GET", signed.URL.String(), nil)
		req.Header = signed.Header.Clone()
		req.Host = signed.URL.Host
		return req
	}
	ctx, cancel := context.WithCancel(context.Background())
	leaderErr := make(chan error, 1)
	go func() { _, err := v.Verify(mk(ctx), nil); leaderErr <- err }()
	time.Sleep(20 * time.Millisecond)
	followerErr := make(chan error, 1)
	go func() { _, err := v.Verify(mk(context.Background()), nil); followerErr <- err }()
	time.Sleep(20 * time.Millisecond)
	cancel()
	if err := <-leaderErr; !errors.Is(err, context.Canceled) {
		t.Fatalf("leader: %v", err)
	}
	if err := <-followerErr; err != nil {
		t.Fatalf("follower: %v", err)
	}
}

func TestReturnedKeyIsACopy(t *testing.T) {
	v := newVerifier(newKeys())
	base, ch := serve(t, v)
	r := do(t, clientReq{target: "/v1/apps"}.sign(t, base), ch)
	wantOK(t, r)
	r.key.Secret, r.key.AppID = "", "other"
	wantOK(t, do(t, clientReq{target: "/v1/apps"}.sign(t, base), ch))
}

func TestExtraHosts(t *testing.T) {
	c := clientReq{target: "/v1/apps", signHost: "inappd.example.com"}
	v := newVerifier(newKeys())
	base, ch := serve(t, v)
	wantForbidden(t, do(t, c.sign(t, base), ch).err, MsgSignatureMismatch)
	v.Hosts = []string{"inappd.example.com"}
	wantOK(t, do(t, c.sign(t, base), ch))
}

func TestSkewSetting(t *testing.T) {
	v := newVerifier(newKeys())
	v.MaxSkew = 90 * time.Second
	base, ch := serve(t, v)
	wantOK(t, do(t, clientReq{target: "/v1/apps", at: testNow.Add(-89 * time.Second)}.sign(t, base), ch))
	wantForbidden(t, do(t, clientReq{target: "/v1/apps", at: testNow.Add(-91 * time.Second)}.sign(t, base), ch).err,
		"Signature expired: 20261121T102829Z is now earlier than 20261121T102830Z (20261121T103000Z - 1m30s.)")
}

// presign signs c's URL with the SDK's PresignHTTP.
func presign(t testing.TB, base string, c clientReq, expires int) (string, http.Header) {
	t.Helper()
	c = c.withDefaults()
	req, err := http.NewRequest(c.method, base+c.target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if expires >= 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", strconv.Itoa(expires))
		req.URL.RawQuery = q.Encode()
	}
	creds := aws.Credentials{AccessKeyID: c.id, SecretAccessKey: c.secret, SessionToken: c.token}
	u, h, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, hashHex(nil), c.service, c.region, c.at)
	if err != nil {
		t.Fatal(err)
	}
	return u, h
}

func TestPresigned(t *testing.T) {
	v := newVerifier(newKeys())
	base, ch := serve(t, v)
	get := func(u string) result {
		t.Helper()
		req, err := http.NewRequest("GET", u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return do(t, req, ch)
	}
	target := "/v1/apps/" + testApp + "/endpoints/e-1/inappmessages?x=1&x=2"

	u, _ := presign(t, base, clientReq{target: target}, 300)
	wantOK(t, get(u))

	u, _ = presign(t, base, clientReq{target: target, token: "session-token"}, 300)
	wantOK(t, get(u))

	u, _ = presign(t, base, clientReq{target: target, at: testNow.Add(-10 * time.Minute)}, -1) // no X-Amz-Expires: the skew window applies
	wantOK(t, get(u))

	u, _ = presign(t, base, clientReq{target: arnPath}, 60)
	wantOK(t, get(u))

	u, _ = presign(t, base, clientReq{target: target, at: testNow.Add(-301 * time.Second)}, 300)
	wantForbidden(t, get(u).err, MsgPresignExpired)

	u, _ = presign(t, base, clientReq{target: target, at: testNow.Add(-time.Hour)}, 7200)
	wantOK(t, get(u))

	u, _ = presign(t, base, clientReq{target: target}, 604801)
	wantForbidden(t, get(u).err, MsgExpiresTooLong)
	wantForbidden(t, get(strings.Replace(u, "X-Amz-Expires=604801", "X-Amz-Expires=-1", 1)).err, MsgExpiresNegative)
	wantForbidden(t, get(strings.Replace(u, "X-Amz-Expires=604801", "X-Amz-Expires=soon", 1)).err, MsgExpiresNotNumber)
	wantForbidden(t, get(strings.Replace(u, "X-Amz-Expires=604801", "X-Amz-Expires=99999999999999999999", 1)).err, MsgExpiresTooLong)

	u, _ = presign(t, base, clientReq{target: target, at: testNow.Add(20 * time.Minute)}, 300)
	wantForbiddenPrefix(t, get(u).err, "Signature not yet current: ")

	u, _ = presign(t, base, clientReq{target: target, secret: "wrong"}, 300)
	wantForbidden(t, get(u).err, MsgSignatureMismatch)

	u, _ = presign(t, base, clientReq{target: target}, 300)
	wantForbidden(t, get(strings.Replace(u, "x=2", "x=3", 1)).err, MsgSignatureMismatch)
	wantForbidden(t, get(strings.Replace(u, "X-Amz-Expires=300", "X-Amz-Expires=3000", 1)).err, MsgSignatureMismatch)
	wantForbidden(t, get(strings.Replace(u, "e-1", "e-2", 1)).err, MsgSignatureMismatch)

	u, _ = presign(t, base, clientReq{target: target, service: "execute-api"}, 300)
	wantForbidden(t, get(u).err, "Credential should be scoped to correct service: 'mobiletargeting'.")

	u, _ = presign(t, base, clientReq{target: target, id: "AKIANOSUCHKEY0000000"}, 300)
	wantForbidden(t, get(u).err, MsgInvalidToken)
}

// TestPresignedWithSignedHeader: a presigned URL may sign headers besides
// host, which the caller must then send.
func TestPresignedWithSignedHeader(t *testing.T) {
	v := newVerifier(newKeys())
	base, ch := serve(t, v)
	req, _ := http.NewRequest("GET", base+"/v1/apps", nil)
	req.Header.Set("X-Custom", "yes")
	req.Header["user-agent"] = []string{"presigner/1"}
	creds := aws.Credentials{AccessKeyID: testID, SecretAccessKey: testSecret}
	u, h, err := v4.NewSigner().PresignHTTP(context.Background(), creds, req, hashHex(nil), Service, "us-east-1", testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(u, "user-agent%3Bx-custom") {
		t.Fatalf("test setup: %s does not sign the headers", u)
	}
	send := func(ua, custom string) error {
		r, _ := http.NewRequest("GET", u, nil)
		r.Header.Set("User-Agent", ua)
		r.Header.Set("X-Custom", custom)
		return do(t, r, ch).err
	}
	_ = h
	if err := send("presigner/1", "yes"); err != nil {
		t.Fatal(err)
	}
	wantForbidden(t, send("presigner/1", "no"), MsgSignatureMismatch)
	wantForbidden(t, send("presigner/2", "yes"), MsgSignatureMismatch)
}

func TestQueryWithoutAuthIsNotPresigned(t *testing.T) {
	// A query that merely mentions X-Amz- in a value is not taken for a
	// presigned request when a header signature is present.
	v := newVerifier(newKeys())
	base, ch := serve(t, v)
	wantOK(t, do(t, clientReq{target: "/v1/apps?token=" + url.QueryEscape("X-Amz-Signature")}.sign(t, base), ch))
}
