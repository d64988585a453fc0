package sigv4

// The quick path: the signature the SDK's signer would make for the
// rebuilt request (scratch.rebuild), computed without building it, for the
// requests every device sends (GetInAppMessages, PutEvents): signed in the
// Authorization header, no query string. Signing through the SDK costs
// ~8 µs and 44 allocations per request, mostly in building its canonical
// request; this builds the same canonical request in one pooled buffer.
//
// It must agree with the SDK byte for byte: TestQuickAgreesWithSDK signs
// thousands of varied requests both ways. Whatever it does not handle
// (presigned requests, a query string, an unusual SignedHeaders list) goes
// to the SDK as before.

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// derivedKey is a key's signing key for one day, region and service.
type derivedKey struct {
	day, region, service string
	key                  []byte
	macs                 sync.Pool // HMACs keyed with key, reset after use
}

func (d *derivedKey) mac() hash.Hash {
	if h, ok := d.macs.Get().(hash.Hash); ok {
		return h
	}
	return hmac.New(sha256.New, d.key)
}

func (d *derivedKey) done(h hash.Hash) {
	h.Reset()
	d.macs.Put(h)
}

// signingKey returns e's signing key for the scope, derived once per day,
// region and service (the SDK's signer caches it the same way).
func (e *entry) signingKey(day, region, service string) *derivedKey {
	if d := e.derived.Load(); d != nil && d.day == day && d.region == region && d.service == service {
		return d
	}
	mac := func(key []byte, data string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(data))
		return h.Sum(nil)
	}
	k := mac([]byte("AWS4"+e.creds.SecretAccessKey), day)
	k = mac(k, region)
	k = mac(k, service)
	k = mac(k, terminator)
	d := &derivedKey{day: day, region: region, service: service, key: k}
	e.derived.Store(d)
	return d
}

// quickable reports whether the quick path can sign r as the SDK would
// sign the rebuilt request. The SDK signs host, x-amz-date, content-length
// when the length is positive, and every other header the client named
// that r carries; the quick path takes the requests whose SignedHeaders
// list names host, x-amz-date and only headers r carries, sorted,
// lower-case, without duplicates, and no query string.
func quickable(r *http.Request, sr *request) bool {
	if sr.query != nil || r.URL.RawQuery != "" || r.URL.Opaque != "" || len(r.TransferEncoding) > 0 {
		return false
	}
	if !hasHeader(sr.signedHeaders, "host") || !hasHeader(sr.signedHeaders, "x-amz-date") {
		return false // the SDK signs both whatever the list says
	}
	prev := ""
	var buf [64]byte
	for names := sr.signedHeaders; names != ""; {
		var name string
		name, names, _ = strings.Cut(names, ";")
		if name <= prev || !lowerToken(name) {
			return false
		}
		prev = name
		switch name {
		case "host", "x-amz-date", "content-length":
			continue
		case "authorization", "transfer-encoding":
			return false
		}
		if len(r.Header[string(canonicalKey(buf[:0], name))]) == 0 {
			return false
		}
	}
	return true
}

var quickBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// quickSignature is the hex signature the SDK would make for the request
// rebuilt from r, signed for host. quickable(r, sr) must hold.
func (v *Verifier) quickSignature(e *entry, r *http.Request, sr *request, payloadHash string, payloadLen int64, t time.Time, region, host string) string {
	bp := quickBuffers.Get().(*[]byte)
	defer quickBuffers.Put(bp)
	b := (*bp)[:0]

	amzDate := t.UTC().Format(amzDateFormat)
	length := int64(0)
	// The canonical request.
	b = append(b, r.Method...)
	b = append(b, '\n')
	path := r.URL.EscapedPath()
	if path == "" {
		path = "/"
	}
	b = escapePath(b, path)
	b = append(b, "\n\n"...) // no query string
	var key, value [64]byte
	for names := sr.signedHeaders; names != ""; {
		var name string
		name, names, _ = strings.Cut(names, ";")
		switch name {
		case "host":
			b = append(b, "host:"...)
			b = appendStripped(b, host)
		case "x-amz-date":
			b = append(b, "x-amz-date:"...)
			b = append(b, amzDate...)
		case "content-length":
			length = r.ContentLength
			if length < 0 {
				length = payloadLen
			}
			if length <= 0 {
				continue // the SDK signs it only when positive
			}
			b = append(b, "content-length:"...)
			b = strconv.AppendInt(b, length, 10)
		default:
			b = append(b, name...)
			b = append(b, ':')
			for i, v := range r.Header[string(canonicalKey(key[:0], name))] {
				if i > 0 {
					b = append(b, ',')
				}
				b = append(b, bytes.TrimSpace(appendStripped(value[:0], v))...)
			}
		}
		b = append(b, '\n')
	}
	b = append(b, '\n')
	// The signed header names: the list as the client sent it, less
	// content-length when it is not signed.
	if length > 0 || !hasHeader(sr.signedHeaders, "content-length") {
		b = append(b, sr.signedHeaders...)
	} else {
		first := true
		for names := sr.signedHeaders; names != ""; {
			var name string
			name, names, _ = strings.Cut(names, ";")
			if name == "content-length" {
				continue
			}
			if !first {
				b = append(b, ';')
			}
			b = append(b, name...)
			first = false
		}
	}
	b = append(b, '\n')
	b = append(b, payloadHash...)
	sum := sha256.Sum256(b)

	// The string to sign.
	day := amzDate[:8]
	service := v.signingName()
	b = b[:0]
	b = append(b, Algorithm+"\n"...)
	b = append(b, amzDate...)
	b = append(b, '\n')
	b = append(b, day...)
	b = append(b, '/')
	b = append(b, region...)
	b = append(b, '/')
	b = append(b, service...)
	b = append(b, "/"+terminator+"\n"...)
	b = hex.AppendEncode(b, sum[:])
	dk := e.signingKey(day, region, service)
	mac := dk.mac()
	mac.Write(b)
	var sig [sha256.Size]byte
	b = hex.AppendEncode(b[:0], mac.Sum(sig[:0]))
	dk.done(mac)
	out := string(b)
	*bp = b
	return out
}

// appendStripped appends s without its leading and trailing spaces and
// with runs of spaces made one (the SDK's StripExcessSpaces).
func appendStripped(b []byte, s string) []byte {
	s = strings.Trim(s, " ")
	space := false
	for i := 0; i < len(s); i++ {
		if s[i] == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b = append(b, s[i])
	}
	return b
}

// escapePath appends path with every byte but the unreserved ones and '/'
// percent-encoded, upper-case (the SDK's canonical URI for services other
// than S3: the escaped path, escaped once more).
func escapePath(b []byte, path string) []byte {
	const hexDigits = "0123456789ABCDEF"
	for i := 0; i < len(path); i++ {
		c := path[i]
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/' {
			b = append(b, c)
		} else {
			b = append(b, '%', hexDigits[c>>4], hexDigits[c&15])
		}
	}
	return b
}
