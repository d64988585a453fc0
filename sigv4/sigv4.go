// Package sigv4 verifies AWS Signature Version 4 on the requests inappd
// receives, the way Amazon Pinpoint does: service "mobiletargeting", any
// region, header-based (Authorization: AWS4-HMAC-SHA256 ...) or presigned
// (X-Amz-Algorithm=... in the query string).
//
// The signing math is not ours. Verify rebuilds the request the client
// signed (same method, escaped path and query, exactly the headers named in
// SignedHeaders) and has aws-sdk-go-v2's signer sign it with the stored
// secret at the request's own date; the signature that signer writes is
// compared with the client's in constant time. (For the requests devices
// send on every launch, quick.go computes the same signature without the
// SDK's allocations, and a test holds it to the SDK's.) What this package
// owns is the reconstruction, which is where server-side verification
// usually goes wrong:
//
//   - The canonical URI is the path as it came over the wire, encoded once
//     more (r.URL.EscapedPath(), never r.URL.Path): Pinpoint clients send
//     ARNs as one percent-encoded segment, /v1/tags/arn%3Aaws%3A...%2Fapps%2F...
//   - The query string is given to the signer raw, so repeated keys
//     (?tagKeys=a&tagKeys=b) and empty values canonicalise as clients do.
//   - The signer leaves out some headers on its own (User-Agent,
//     X-Amzn-Trace-Id, Expect, Transfer-Encoding) and adds Content-Length
//     whenever the request has a body. A client (Java SDK v1, hand-rolled
//     signers) may sign User-Agent, and most do not sign Content-Length, so
//     the rebuilt request holds the signed headers under lower-case keys,
//     which the signer's exclusion list (keyed by canonical names) does not
//     match, and carries a content length only when the client signed one.
//   - Amplify JS signs for host pinpoint.<region>.amazonaws.com even when its
//     fetch is sent elsewhere, so that host is tried after the Host the
//     request carries.
//
// Looked-up keys are cached for CacheTTL (1 s by default; unknown ids
// too), each with its own signer so that the signer's derived-key cache
// serves it; Forget drops a key at once. Session tokens are not checked
// beyond the signature: inappd issues none, and a client that sends one
// (Amplify with temporary credentials) signs it like any header.
package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	inapp "github.com/inappd/inappd"
)

const (
	// Service is the signing name of Amazon Pinpoint.
	Service = "mobiletargeting"
	// Algorithm is the only signing algorithm accepted.
	Algorithm = "AWS4-HMAC-SHA256"
	// DefaultMaxSkew is how far a request's date may be from the server's
	// clock, as AWS allows.
	DefaultMaxSkew = 15 * time.Minute
	// DefaultCacheTTL is how long a looked-up key is reused: short, so that
	// deleting a key takes effect quickly.
	DefaultCacheTTL = time.Second

	amzDateFormat     = "20060102T150405Z"
	maxPresignExpires = 604800 // seconds, one week
	terminator        = "aws4_request"
)

// KeyLookup is what the Verifier needs from storage (inapp.KeyStore has it).
// It returns an *inapp.Error with code inapp.ENOTFOUND for an unknown key.
type KeyLookup interface {
	GetKey(ctx context.Context, id string) (*inapp.AccessKey, error)
}

// Verifier checks SigV4 signatures against the keys of a KeyLookup. Set the
// exported fields before first use and do not copy a Verifier after; it is
// safe for concurrent use.
type Verifier struct {
	Keys KeyLookup
	// Clock is the time source (nil: the system clock). It dates requests
	// and expires cached keys.
	Clock inapp.Clock
	// MaxSkew bounds the distance between a request's X-Amz-Date and the
	// clock (0: DefaultMaxSkew).
	MaxSkew time.Duration
	// CacheTTL is how long a key lookup, found or not, is reused
	// (0: DefaultCacheTTL; negative: no cache).
	CacheTTL time.Duration
	// Hosts are more host values to accept in the signature, tried after
	// the request's Host and pinpoint.<region>.amazonaws.com: for example
	// the public name of a server behind a proxy that rewrites Host.
	Hosts []string

	service string // signing name; tests replace it to run published vectors

	mu      sync.RWMutex
	cache   map[string]*entry
	flights map[string]*flight
}

// SigningHost is the host Amplify JS signs for in region: the Pinpoint
// endpoint, pinpoint.<region>.amazonaws.com (amazonaws.com.cn in China).
func SigningHost(region string) string {
	if strings.HasPrefix(region, "cn-") {
		return "pinpoint." + region + ".amazonaws.com.cn"
	}
	return "pinpoint." + region + ".amazonaws.com"
}

// request is what the client says it signed.
type request struct {
	query         url.Values // the parsed query string when presigned; nil for a header signature
	credential    string
	signedHeaders string
	signature     string
	date          string // X-Amz-Date
	expires       string // X-Amz-Expires, presigned only
}

// Verify checks the signature of r, whose body has already been read into
// payload, and returns (a copy of) the key that signed it. Failures are
// *inapp.Error with code inapp.EFORBIDDEN and AWS's messages; an error of the
// key store other than ENOTFOUND is returned as it is.
//
// r must be the request as the server received it: same Host, and a URL
// whose RawPath still holds the escaping the client sent.
func (v *Verifier) Verify(r *http.Request, payload []byte) (*inapp.AccessKey, error) {
	sum := sha256.Sum256(payload)
	var hexSum [sha256.Size * 2]byte
	hex.Encode(hexSum[:], sum[:])
	return v.verify(r, string(hexSum[:]), int64(len(payload)))
}

// VerifyHash is Verify for a body too large to hold in memory (an upload):
// payloadHash is the hex SHA-256 of the body and payloadLen its length.
// The caller either trusts a signed X-Amz-Content-Sha256 header and checks
// the body against it as it reads, or reads the body first.
func (v *Verifier) VerifyHash(r *http.Request, payloadHash string, payloadLen int64) (*inapp.AccessKey, error) {
	return v.verify(r, payloadHash, payloadLen)
}

func (v *Verifier) verify(r *http.Request, payloadHash string, payloadLen int64) (*inapp.AccessKey, error) {
	var auth string
	if vs := r.Header["Authorization"]; len(vs) > 0 {
		auth = vs[0]
	}
	var sr request
	var err error
	switch {
	case auth != "":
		if queryAuth(r.URL.RawQuery) {
			if _, ok := r.URL.Query()["X-Amz-Algorithm"]; ok {
				return nil, forbidden(MsgBothAuth)
			}
		}
		sr, err = parseHeader(r, auth)
	case queryAuth(r.URL.RawQuery):
		sr, err = parseQuery(r)
	default:
		return nil, forbidden(MsgMissingToken)
	}
	if err != nil {
		return nil, err
	}

	// The checks run in the order AWS runs them: date, expiry, host,
	// credential scope, key, signature.
	t, err := time.Parse(amzDateFormat, sr.date)
	if err != nil || len(sr.date) != len(amzDateFormat) {
		return nil, errDateFormat(sr.date)
	}
	if err := v.checkTime(t, sr.query != nil, sr.expires); err != nil {
		return nil, err
	}
	if !hasHeader(sr.signedHeaders, "host") {
		return nil, forbidden(MsgHostNotSigned)
	}
	if sr.query == nil && !hasHeader(sr.signedHeaders, "x-amz-date") {
		// The signer always signs X-Amz-Date on a header-signed request.
		return nil, forbidden(MsgDateNotSigned)
	}
	id, region, err := v.checkScope(sr.credential, sr.date)
	if err != nil {
		return nil, err
	}
	e, err := v.lookup(r.Context(), id)
	if err != nil {
		return nil, err
	}
	if e.key == nil {
		return nil, forbidden(MsgInvalidToken)
	}
	if !v.matches(e, r, &sr, payloadHash, payloadLen, t, region) {
		return nil, forbidden(MsgSignatureMismatch)
	}
	k := *e.key
	return &k, nil
}

// queryAuth reports whether a raw query string carries presigning
// parameters. Their names are unreserved characters, never escaped.
func queryAuth(rawQuery string) bool {
	return strings.Contains(rawQuery, "X-Amz-Algorithm") ||
		strings.Contains(rawQuery, "X-Amz-Credential") ||
		strings.Contains(rawQuery, "X-Amz-Signature")
}

// parseHeader reads "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
// Signature=...". Like AWS it accepts commas, spaces or both between the
// parameters.
func parseHeader(r *http.Request, auth string) (request, error) {
	var sr request
	if vs := r.Header["X-Amz-Date"]; len(vs) > 0 {
		sr.date = vs[0]
	}
	s := strings.TrimSpace(auth)
	alg, rest, _ := strings.Cut(s, " ")
	if strings.HasPrefix(alg, "AWS4-") {
		for rest != "" {
			var tok string
			if i := strings.IndexAny(rest, ", "); i >= 0 {
				tok, rest = rest[:i], rest[i+1:]
			} else {
				tok, rest = rest, ""
			}
			if tok == "" {
				continue
			}
			k, val, ok := strings.Cut(tok, "=")
			if !ok {
				return sr, errMissingEqual(tok, auth)
			}
			switch k {
			case "Credential":
				sr.credential = val
			case "SignedHeaders":
				sr.signedHeaders = val
			case "Signature":
				sr.signature = val
			}
		}
	}
	_, hasDate := r.Header["Date"]
	if sr.credential == "" || sr.signature == "" || sr.signedHeaders == "" || (sr.date == "" && !hasDate) {
		return sr, errIncompleteHeader(auth, sr.credential != "", sr.signature != "", sr.signedHeaders != "", sr.date != "" || hasDate)
	}
	if alg != Algorithm {
		return sr, errAlgorithm(alg)
	}
	if sr.date == "" {
		return sr, forbidden(MsgDateHeaderOnly)
	}
	return sr, nil
}

// parseQuery reads the X-Amz-* parameters of a presigned request.
func parseQuery(r *http.Request) (request, error) {
	q := r.URL.Query()
	sr := request{
		query:         q,
		credential:    q.Get("X-Amz-Credential"),
		signedHeaders: q.Get("X-Amz-SignedHeaders"),
		signature:     q.Get("X-Amz-Signature"),
		date:          q.Get("X-Amz-Date"),
		expires:       q.Get("X-Amz-Expires"),
	}
	alg := q.Get("X-Amz-Algorithm")
	var missing []string
	for _, p := range [...]struct{ name, val string }{
		{"X-Amz-Algorithm", alg},
		{"X-Amz-Credential", sr.credential},
		{"X-Amz-Signature", sr.signature},
		{"X-Amz-SignedHeaders", sr.signedHeaders},
		{"X-Amz-Date", sr.date},
	} {
		if p.val == "" {
			missing = append(missing, p.name)
		}
	}
	if missing != nil {
		return sr, errIncompleteQuery(missing)
	}
	if alg != Algorithm {
		return sr, errAlgorithm(alg)
	}
	return sr, nil
}

func (v *Verifier) now() time.Time {
	if v.Clock == nil {
		return time.Now().UTC()
	}
	return v.Clock.Now()
}

func (v *Verifier) skew() time.Duration {
	if v.MaxSkew > 0 {
		return v.MaxSkew
	}
	return DefaultMaxSkew
}

func (v *Verifier) signingName() string {
	if v.service != "" {
		return v.service
	}
	return Service
}

// checkTime enforces the clock-skew window, or for a presigned request
// with X-Amz-Expires, its validity period.
func (v *Verifier) checkTime(t time.Time, presigned bool, expires string) error {
	now, skew := v.now(), v.skew()
	if t.After(now.Add(skew)) {
		return errNotYetCurrent(t, now, skew)
	}
	if presigned && expires != "" {
		n, err := strconv.ParseInt(expires, 10, 64)
		switch {
		case err != nil && !errors.Is(err, strconv.ErrRange):
			return forbidden(MsgExpiresNotNumber)
		case strings.HasPrefix(expires, "-"):
			return forbidden(MsgExpiresNegative)
		case err != nil, n > maxPresignExpires:
			return forbidden(MsgExpiresTooLong)
		}
		if now.After(t.Add(time.Duration(n) * time.Second)) {
			return forbidden(MsgPresignExpired)
		}
		return nil
	}
	if t.Before(now.Add(-skew)) {
		return errExpired(t, now, skew)
	}
	return nil
}

// checkScope splits keyid/date/region/service/aws4_request and checks every
// part but the key id, collecting the complaints as AWS does.
func (v *Verifier) checkScope(cred, amzDate string) (id, region string, err error) {
	id, rest, ok1 := strings.Cut(cred, "/")
	day, rest, ok2 := strings.Cut(rest, "/")
	region, rest, ok3 := strings.Cut(rest, "/")
	service, term, ok4 := strings.Cut(rest, "/")
	if !ok1 || !ok2 || !ok3 || !ok4 || strings.Contains(term, "/") {
		return "", "", errCredentialShape(cred)
	}
	var msg []string
	if !lowerToken(region) {
		msg = append(msg, "Credential should be scoped to a valid region, not '"+echo(region)+"'.")
	}
	if service != v.signingName() {
		msg = append(msg, "Credential should be scoped to correct service: '"+v.signingName()+"'.")
	}
	if term != terminator {
		msg = append(msg, "Credential should be scoped with a valid terminator: '"+terminator+"', not '"+echo(term)+"'.")
	}
	if day != amzDate[:8] {
		msg = append(msg, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			echo(day)+"' != '"+amzDate[:8]+"', from '"+amzDate+"'.")
	}
	if msg != nil {
		return "", "", forbidden(strings.Join(msg, " "))
	}
	if id == "" {
		return "", "", forbidden(MsgInvalidToken)
	}
	return id, region, nil
}

// lowerToken reports whether s is 1 to 64 lowercase letters, digits and
// hyphens: the shape of a region, and of a signed header name the quick
// path takes (its buffer holds 64 bytes).
func lowerToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// hasHeader reports whether the ;-separated list signed names name.
func hasHeader(signed, name string) bool {
	for signed != "" {
		var h string
		h, signed, _ = strings.Cut(signed, ";")
		if h == name {
			return true
		}
	}
	return false
}

// matches signs the rebuilt request with e's secret for each host the
// client may have signed for and compares the result with the client's
// signature.
func (v *Verifier) matches(e *entry, r *http.Request, sr *request, payloadHash string, payloadLen int64, t time.Time, region string) bool {
	quick := quickable(r, sr)
	var req *http.Request
	if !quick {
		sc := scratchPool.Get().(*scratch)
		defer sc.release()
		req = sc.rebuild(r, sr, payloadLen)
	}
	try := func(host string) bool {
		if quick {
			return constantTimeEqual(v.quickSignature(e, r, sr, payloadHash, payloadLen, t, region, host), sr.signature)
		}
		req.Host = host
		sig, ok := v.sign(e, req, sr, payloadHash, t, region)
		return ok && constantTimeEqual(sig, sr.signature)
	}
	if try(r.Host) {
		return true
	}
	ph := SigningHost(region)
	if ph != r.Host && try(ph) {
		return true
	}
	for _, h := range v.Hosts {
		if h != r.Host && h != ph && try(h) {
			return true
		}
	}
	return false
}

// sign has the SDK's signer sign req and returns the signature it made.
func (v *Verifier) sign(e *entry, req *http.Request, sr *request, payloadHash string, t time.Time, region string) (string, bool) {
	ctx := context.Background()
	if sr.query == nil {
		if err := e.signer.SignHTTP(ctx, e.creds, req, payloadHash, v.signingName(), region, t); err != nil {
			return "", false
		}
		a := req.Header["Authorization"]
		if len(a) == 0 {
			return "", false
		}
		i := strings.LastIndex(a[0], "Signature=")
		if i < 0 {
			return "", false
		}
		return a[0][i+len("Signature="):], true
	}
	signed, _, err := e.signer.PresignHTTP(ctx, e.creds, req, payloadHash, v.signingName(), region, t,
		func(o *v4.SignerOptions) { o.DisableHeaderHoisting = true })
	if err != nil {
		return "", false
	}
	i := strings.LastIndex(signed, "X-Amz-Signature=")
	if i < 0 {
		return "", false
	}
	return signed[i+len("X-Amz-Signature="):], true
}

// scratch holds a rebuilt request; they are pooled, since every Verify
// needs one only while signing.
type scratch struct {
	req http.Request
	u   url.URL
	h   http.Header
}

var scratchPool = sync.Pool{New: func() any { return &scratch{h: make(http.Header, 8)} }}

func (sc *scratch) release() {
	clear(sc.h)
	h := sc.h
	*sc = scratch{h: h}
	scratchPool.Put(sc)
}

// rebuild makes the request the client signed: r's method, escaped path
// and raw query, and only the headers named in SignedHeaders, held under
// their lower-case names so that the signer's list of headers it never
// signs does not apply to them. Host is set by the caller; X-Amz-Date (on a
// header-signed request) is set by the signer from the signing time, and
// Content-Length through ContentLength, as the signer wants them.
func (sc *scratch) rebuild(r *http.Request, sr *request, payloadLen int64) *http.Request {
	sc.u = *r.URL
	sc.u.Scheme = "" // keep any port in Host: the client signed what it sent
	sc.u.Host = ""
	if sr.query != nil {
		q := make(url.Values, len(sr.query))
		for k, vs := range sr.query {
			if k != "X-Amz-Signature" {
				q[k] = vs
			}
		}
		sc.u.RawQuery = q.Encode()
	}
	sc.req = http.Request{Method: r.Method, URL: &sc.u, Header: sc.h}
	req := &sc.req
	var buf [64]byte
	for names := sr.signedHeaders; names != ""; {
		var name string
		name, names, _ = strings.Cut(names, ";")
		switch name {
		case "host":
			continue
		case "x-amz-date":
			if sr.query == nil {
				continue
			}
		case "content-length":
			req.ContentLength = r.ContentLength
			if req.ContentLength < 0 {
				req.ContentLength = payloadLen
			}
			continue
		case "transfer-encoding":
			// net/http moves this header out of r.Header.
			if len(r.TransferEncoding) > 0 {
				req.Header[name] = []string{strings.Join(r.TransferEncoding, ",")}
			}
			continue
		}
		if vs, ok := r.Header[string(canonicalKey(buf[:0], name))]; ok {
			req.Header[name] = vs
		}
	}
	return req
}

// canonicalKey is textproto.CanonicalMIMEHeaderKey into buf, so that the
// header map can be indexed without allocating.
func canonicalKey(buf []byte, name string) []byte {
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		if upper && 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		} else if !upper && 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
		upper = c == '-'
	}
	return buf
}

func constantTimeEqual(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	var d byte
	for i := 0; i < len(a); i++ {
		d |= a[i] ^ b[i]
	}
	return d == 0
}
