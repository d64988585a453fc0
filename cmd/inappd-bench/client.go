package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	signingService = "mobiletargeting"
	signingRegion  = "us-east-1"
)

// emptyPayloadHash is the SHA-256 of an empty body, hex encoded.
var emptyPayloadHash = func() string { s := sha256.Sum256(nil); return hex.EncodeToString(s[:]) }()

// key is a SigV4 credential.
type key struct {
	ID, Secret string
}

// newTransport is the loopback transport every load loop uses: keep-alive,
// one idle connection kept per worker, no compression, HTTP/1.1 (what
// Pinpoint clients speak to a plain-HTTP endpoint).
func newTransport(concurrency int) *http.Transport {
	return &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        2 * concurrency,
		MaxIdleConnsPerHost: concurrency,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
		ForceAttemptHTTP2:   false,
	}
}

// signer signs requests like an AWS SDK does, with one credential. Each
// load worker has its own (as each device does), so that the derived-key
// cache inside the SDK signer is not shared between goroutines.
type signer struct {
	s     *v4.Signer
	creds aws.Credentials
}

func newSigner(k key) *signer {
	return &signer{s: v4.NewSigner(), creds: aws.Credentials{AccessKeyID: k.ID, SecretAccessKey: k.Secret, Source: "inappd-bench"}}
}

// sign signs req whose body hashes to payloadHash (hex SHA-256).
func (s *signer) sign(req *http.Request, payloadHash string) error {
	return s.s.SignHTTP(req.Context(), s.creds, req, payloadHash, signingService, signingRegion, time.Now().UTC())
}

func payloadHash(body []byte) string {
	if len(body) == 0 {
		return emptyPayloadHash
	}
	s := sha256.Sum256(body)
	return hex.EncodeToString(s[:])
}

// api calls the server's API with one key; for the seeding and admin
// operations (not the load loops, which build their requests themselves).
type api struct {
	base   string
	client *http.Client
	signer *signer
}

func newAPI(base string, client *http.Client, k key) *api {
	return &api{base: base, client: client, signer: newSigner(k)}
}

// apiError is a non-2xx answer.
type apiError struct {
	Method, Path string
	Status       int
	Body         string
}

func (e *apiError) Error() string {
	b := e.Body
	if len(b) > 300 {
		b = b[:300] + "…"
	}
	return fmt.Sprintf("%s %s: HTTP %d: %s", e.Method, e.Path, e.Status, b)
}

// call sends a signed request with a JSON body (nil: none) and decodes a
// 2xx answer into out (when not nil). It returns the raw answer too.
func (a *api) call(ctx context.Context, method, path string, in, out any) ([]byte, error) {
	resp, _, err := a.callHeader(ctx, method, path, in, out)
	return resp, err
}

// callHeader is call that also returns the answer's header.
func (a *api) callHeader(ctx context.Context, method, path string, in, out any) ([]byte, http.Header, error) {
	var body []byte
	switch v := in.(type) {
	case nil:
	case []byte:
		body = v
	default:
		var err error
		if body, err = json.Marshal(in); err != nil {
			return nil, nil, err
		}
	}
	status, resp, header, err := a.raw(ctx, method, path, body)
	if err != nil {
		return nil, nil, err
	}
	if status < 200 || status > 299 {
		return resp, header, &apiError{Method: method, Path: path, Status: status, Body: string(resp)}
	}
	if out != nil {
		if err := json.Unmarshal(resp, out); err != nil {
			return resp, header, fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return resp, header, nil
}

// serverMS reads the time the server reports in its Server-Timing header
// (app;dur=<ms>), -1 when it sent none.
func serverMS(h http.Header) float64 {
	_, dur, ok := strings.Cut(h.Get("Server-Timing"), "dur=")
	if !ok {
		return -1
	}
	ms, err := strconv.ParseFloat(dur, 64)
	if err != nil {
		return -1
	}
	return ms
}

// raw sends a signed request and returns the status, body and header,
// whatever the status.
func (a *api) raw(ctx context.Context, method, path string, body []byte) (int, []byte, http.Header, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if err := a.signer.sign(req, payloadHash(body)); err != nil {
		return 0, nil, nil, err
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, nil, err
	}
	return resp.StatusCode, b, resp.Header, nil
}
