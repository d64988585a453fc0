package sigv4

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// Known-answer vectors signed by other implementations than the SDK whose
// signer Verify uses. They are sent as raw bytes over TCP so that Go's own
// parsing of the request (path escaping, header folding, repeated headers)
// is part of what is checked. The vectors sign for other services and
// regions than Pinpoint, hence the service override.

// rawDo sends a raw HTTP/1.1 request (lines separated by "\n") to the
// server at base and returns what Verify said.
func rawDo(t *testing.T, base string, ch <-chan result, raw string) result {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	lines := strings.Split(strings.TrimRight(head, "\n"), "\n")
	msg := strings.Join(lines, "\r\n") + "\r\nConnection: close\r\n\r\n" + body
	conn, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := io.WriteString(conn, msg); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode == http.StatusBadRequest {
		t.Fatalf("the server refused the request itself: %s", resp.Status)
	}
	select {
	case r := <-ch:
		return r
	case <-time.After(5 * time.Second):
		t.Fatal("no result from server")
		return result{}
	}
}

// AWS's SigV4 test suite, as published in awslabs/aws-c-auth
// (tests/aws-signing-test-suite/v4/*/header-signed-request.txt): key
// AKIDEXAMPLE, region us-east-1, service "service", 2015-08-30T12:36:00Z.
var awsSuite = []struct{ name, raw string }{
	{"get-vanilla", `GET / HTTP/1.1
Host:example.amazonaws.com
X-Amz-Date:20150830T123600Z
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31

`},
	{"get-header-key-duplicate", `GET / HTTP/1.1
Host:example.amazonaws.com
My-Header1:value2
My-Header1:value2
My-Header1:value1
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea
X-Amz-Date:20150830T123600Z

`},
	{"get-header-value-order", `GET / HTTP/1.1
Host:example.amazonaws.com
My-Header1:value4
My-Header1:value1
My-Header1:value3
My-Header1:value2
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01
X-Amz-Date:20150830T123600Z

`},
	{"get-header-value-trim", `GET / HTTP/1.1
Host:example.amazonaws.com
My-Header1: value1
My-Header2: "a   b   c"
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;my-header2;x-amz-date, Signature=acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736
X-Amz-Date:20150830T123600Z

`},
	{"get-unreserved", `GET /-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1
Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f
X-Amz-Date:20150830T123600Z

`},
	{"get-vanilla-empty-query-key", `GET /?Param1=value1 HTTP/1.1
Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb
X-Amz-Date:20150830T123600Z

`},
	{"get-vanilla-query-order-key-case", `GET /?Param2=value2&Param1=value1 HTTP/1.1
Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500
X-Amz-Date:20150830T123600Z

`},
	{"get-vanilla-query-order-encoded", `GET /?Param-3=Value3&Param=Value2&%E1%88%B4=Value1 HTTP/1.1
Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=371d3713e185cc334048618a97f809c9ffe339c62934c032af5a0e595648fcac
X-Amz-Date:20150830T123600Z

`},
	{"get-vanilla-query-unreserved", `GET /?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz HTTP/1.1
Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197
X-Amz-Date:20150830T123600Z

`},
	{"get-vanilla-utf8-query", "GET /?\u1234=bar HTTP/1.1\n" + `Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04
X-Amz-Date:20150830T123600Z

`},
	{"get-vanilla-with-session-token", `GET / HTTP/1.1
Host:example.amazonaws.com
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=07ec1639c89043aa0e3e2de82b96708f198cceab042d4a97044c66dd9f74e7f8
X-Amz-Date:20150830T123600Z
X-Amz-Security-Token:6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267

`},
	{"post-header-key-sort", `POST / HTTP/1.1
Host:example.amazonaws.com
My-Header1:value1
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;my-header1;x-amz-date, Signature=c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c
X-Amz-Date:20150830T123600Z

`},
	// Content-Length and X-Amz-Content-Sha256 signed, with a body.
	{"post-x-www-form-urlencoded", `POST / HTTP/1.1
Content-Type:application/x-www-form-urlencoded
Host:example.amazonaws.com
Content-Length:13
x-amz-content-sha256:9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e
Authorization:AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=content-length;content-type;host;x-amz-content-sha256;x-amz-date, Signature=d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b
X-Amz-Date:20150830T123600Z

Param1=value1`},
	// Left out: get-utf8 and get-space-*, whose paths are raw (unencoded)
	// UTF-8 and spaces. The suite hands signers an unencoded path; on the
	// wire clients send it percent-encoded, and the canonical URI of a
	// non-S3 service is the wire path encoded once more. Also left out: the
	// *-normalized and relative-path cases (the SDK signer does not
	// normalise dot segments; no Pinpoint client sends them), and
	// get-header-value-multiline: the suite's harness reads obs-fold lines
	// as three values ("value1,value2,value3") where HTTP, and net/http,
	// fold them into one with spaces; no client sends obs-fold.
}

func TestAWSSigV4Suite(t *testing.T) {
	for _, tt := range awsSuite {
		t.Run(tt.name, func(t *testing.T) {
			keys := &memKeys{keys: map[string]*inapp.AccessKey{
				"AKIDEXAMPLE": {ID: "AKIDEXAMPLE", Secret: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"},
			}}
			v := &Verifier{Keys: keys, Clock: &inapp.FixedClock{T: time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)}, service: "service"}
			base, ch := serve(t, v)
			r := rawDo(t, base, ch, tt.raw)
			if r.err != nil {
				t.Fatalf("Verify: %v", r.err)
			}
			// And the same request with one byte of the signature changed fails.
			i := strings.Index(tt.raw, "Signature=") + len("Signature=")
			bad := tt.raw[:i] + "f" + tt.raw[i+1:]
			if tt.raw[i] == 'f' {
				bad = tt.raw[:i] + "0" + tt.raw[i+1:]
			}
			wantForbidden(t, rawDo(t, base, ch, bad).err, MsgSignatureMismatch)
		})
	}
}

// Amplify JS's own signer vectors (aws-amplify/amplify-js,
// packages/core/__tests__/clients/middleware/signing/signer/signatureV4/
// testUtils/signingTestTable.ts): key access-key-id, secret
// secret-access-key, region signing-region, service signing-service,
// 2020-09-18T18:18:18Z, URL https://domain.fakeurl/. The request lines are
// what Amplify's URL object serialises to.
var amplifyVectors = []struct {
	name    string
	method  string
	target  string
	headers string // extra header lines
	header  string // Authorization header (SignedHeaders, Signature)
	presign string // the presigned URL's path and query
}{
	{name: "basic values", method: "GET", target: "/",
		header:  "SignedHeaders=host;x-amz-date, Signature=ed540d965ed71159f0cf2af27a410746f74e972fb8cf976e7dd2295e21bba370",
		presign: "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=b2bdc8574c553b0652332bf38234b9916ba8f9f44d25635bb817e43a03b4bb75"},
	{name: "utf8 url", method: "GET", target: "/%CE%A9",
		header:  "SignedHeaders=host;x-amz-date, Signature=0260705547c9edbf83887d1871daf92e4dd1cd14fe5aa6049b0262b692a42944",
		presign: "/%CE%A9?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=9fe1147bc2119afa6d453fb4d7905426b50c29d40279dd1c2d2204be0d068686"},
	{name: "basic query params", method: "GET", target: "/?foo=bar",
		header:  "SignedHeaders=host;x-amz-date, Signature=8867f03bdc06c350e3161f17c996fcb3d37d79a05ff219d70f89f8a29f56e784",
		presign: "/?foo=bar&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=60a370af8f549abf3e8d700ed92652c72a06e58dc495f7362df1b5f253d5c35d"},
	{name: "empty query params", method: "POST", target: "/?foo=",
		header:  "SignedHeaders=host;x-amz-date, Signature=66645930d9d0841a65d3ad384205671bffc4f3c8f017318d7e40d1c2c5abbef9",
		presign: "/?foo=&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=8de709b2ef1ab770d62eb9ff2476e6979c22b15b651e3fcfc58a8abd50bec424"},
	{name: "query params of equal values", method: "POST", target: "/?foo=b&foo=a&foo=Zoo&foo=bar",
		header:  "SignedHeaders=host;x-amz-date, Signature=f41abae910a13886267e000f63059c4e157bab50a6d07dba1a8bed8779f4e68b",
		presign: "/?foo=b&foo=a&foo=Zoo&foo=bar&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=97674b0a370aca53b1f66a60d1a7c31c7d80b843faf659cd57cb60b9b13ba7b2"},
	{name: "query params not in order", method: "POST", target: "/?foo=a&bar=b&Zoo=c&baz=d",
		header:  "SignedHeaders=host;x-amz-date, Signature=dd137aa8dda85c6ce410e1ff783da63b8c6ad4ee00bf2b7c1c6dbe733a30eb80",
		presign: "/?foo=a&bar=b&Zoo=c&baz=d&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=5750204236a6fa87a59685a2378f94f0d2699b7b6b32a67b23f829db953957ce"},
	{name: "unreserved characters in query params", method: "POST",
		target:  "/?-._%7E0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._%7E0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
		header:  "SignedHeaders=host;x-amz-date, Signature=41bd9fff7326a22cf0126afc1d401f1cbdffa287eca4e806edb8cb73a9adc98e",
		presign: "/?-._%7E0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz=-._%7E0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=828db109a0a3a6a840a522262088a272848e0121bf785c332511a0dfd3df04c6"},
	{name: "reserved characters in query params", method: "POST",
		target:  "/?%40%23%24%25%5E%26%2B%3D%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D+=%40%23%24%25%5E%26%2B%3D%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D+",
		header:  "SignedHeaders=host;x-amz-date, Signature=f327b38d72f04124c880907467b44e7338e9ff5c2bf01534af27174aaf929d63",
		presign: "/?%40%23%24%25%5E%26%2B%3D%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D+=%40%23%24%25%5E%26%2B%3D%2F%2C%3F%3E%3C%60%22%3B%3A%5C%7C%5D%5B%7B%7D+&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=deddbc9d8440a57bdc87d0b4e06b2859304e263af0896b7a4b0126b9d629a81a"},
	{name: "mixed cased header keys", method: "GET", target: "/", headers: "fOo: foo\nZOO: zoobar\n",
		header:  "SignedHeaders=foo;host;x-amz-date;zoo, Signature=184870aa03cf0f113eedc9f8796d460062bf25dc4c9b236430ba58cc56a9078b",
		presign: "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=b2bdc8574c553b0652332bf38234b9916ba8f9f44d25635bb817e43a03b4bb75"},
	{name: "duplicate headers", method: "GET", target: "/", headers: "foo: a,z,p\n",
		header: "SignedHeaders=foo;host;x-amz-date, Signature=39b75b20e62d754be359ba39c4549b71cca2a1e139f9518ad741fd983126ba88"},
	{name: "duplicate out of order headers", method: "GET", target: "/", headers: "foo: z,a,p,a\n",
		header: "SignedHeaders=foo;host;x-amz-date, Signature=a3a7216abaa809ee23e04284f7424a174c9b41bc48b82f1bb8f2b338eb70fc37"},
	{name: "unreserved characters in url", method: "GET", target: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
		header:  "SignedHeaders=host;x-amz-date, Signature=298d61b98e17ec3b2aa025787c586b073dd0b331f8f8f74ff5d5654810bc8d83",
		presign: "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=82af8b9467cf48bfd865ca4061c95080a4f7bb5ad839cd6d55542cc93e4e4e2f"},
	{name: "spaces in url", method: "GET", target: "/%20path",
		header:  "SignedHeaders=host;x-amz-date, Signature=a784d1fd673929c255d84e730d1445e44769d341ebea7284f6f58e2770f034e0",
		presign: "/%20path?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Signature=0100d882befcf809a55d34bf1e6ffacf42accdbce255b04d3acf6175c878a875"},
	{name: "session token", method: "GET", target: "/", headers: "X-Amz-Security-Token: session-token\n",
		header:  "SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=10fa345ac8828e6350dd55c784b1bfa85c4ae977c62abf522050cb9065d3e61e",
		presign: "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=access-key-id%2F20200918%2Fsigning-region%2Fsigning-service%2Faws4_request&X-Amz-Date=20200918T181818Z&X-Amz-SignedHeaders=host&X-Amz-Security-Token=session-token&X-Amz-Signature=14018e6e5b599a4bf0340427309af1c541409409043e2b070725437cb16847b9"},
	// Left out: "multiline values in header" (a value with a line break,
	// which no HTTP request can carry).
}

func TestAmplifySignerVectors(t *testing.T) {
	keys := &memKeys{keys: map[string]*inapp.AccessKey{
		"access-key-id": {ID: "access-key-id", Secret: "secret-access-key"},
	}}
	v := &Verifier{Keys: keys, Clock: &inapp.FixedClock{T: time.Date(2020, 9, 18, 18, 18, 18, 808e6, time.UTC)}, service: "signing-service"}
	base, ch := serve(t, v)
	for _, tt := range amplifyVectors {
		t.Run(tt.name, func(t *testing.T) {
			raw := tt.method + " " + tt.target + " HTTP/1.1\nHost: domain.fakeurl\nX-Amz-Date: 20200918T181818Z\n" + tt.headers +
				"Authorization: AWS4-HMAC-SHA256 Credential=access-key-id/20200918/signing-region/signing-service/aws4_request, " + tt.header + "\n\n"
			if r := rawDo(t, base, ch, raw); r.err != nil {
				t.Errorf("header-signed: %v", r.err)
			}
			if tt.presign == "" {
				return
			}
			raw = tt.method + " " + tt.presign + " HTTP/1.1\nHost: domain.fakeurl\n" + tt.headers + "\n"
			if r := rawDo(t, base, ch, raw); r.err != nil {
				t.Errorf("presigned: %v", r.err)
			}
		})
	}
}
