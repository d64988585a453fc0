// Package pinpointapi is the AWS REST-JSON surface of inappd: the in-app
// subset of Amazon Pinpoint's API (2016-12-01), its error format and its
// SigV4 authorisation, plus inappd's own extensions under /inappd/. It
// knows HTTP and the wire, nothing about SQL.
package pinpointapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	inapp "github.com/inappd/inappd"
)

// MaxBodyBytes is Pinpoint's maximum request payload (7 MB).
const MaxBodyBytes = 7 << 20

// ExtensionPrefix is where inappd's own endpoints live; none of them
// changes a Pinpoint shape.
const ExtensionPrefix = "/inappd/v1"

// Authenticator verifies a request's signature and returns the key that
// signed it (package sigv4).
type Authenticator interface {
	Verify(r *http.Request, payload []byte) (*inapp.AccessKey, error)
}

// Deliverer answers GetInAppMessages (package delivery) and learns of admin
// writes so that its snapshots stay current.
type Deliverer interface {
	InAppMessages(ctx context.Context, appID, endpointID string) ([]byte, error)
	Invalidate(appID string)
}

// EventSink makes PutEvents' events durable (package ingest).
type EventSink interface {
	// Reserve takes room for up to n events before a request is read, or
	// answers ETHROTTLED (429) when the sink has none.
	Reserve(n int) (EventRoom, error)
}

// EventRoom is the room an EventSink reserved for one request.
type EventRoom interface {
	// Submit makes the records durable and reports which were new; it
	// returns once they are (ingest.Reservation.Submit).
	Submit(ctx context.Context, records []*inapp.EventRecord) ([]bool, error)
	// Release gives back the room Submit did not use.
	Release()
}

// Server serves the API. Its fields are set by cmd/inappd before Handler.
type Server struct {
	Store    inapp.Store
	Auth     Authenticator
	Delivery Deliverer
	Events   EventSink
	Imports  Importer // import jobs (package imports); nil: none
	Streams  EventStreams
	Clock    inapp.Clock
	Logger   *slog.Logger
	// CORSOrigins lists the browser origins allowed to call the API ("*"
	// allows any).
	CORSOrigins []string

	knownApps sync.Map // app ID -> time.Time until which it is known to exist
}

// call is one request on its way through a handler.
type call struct {
	w         http.ResponseWriter
	r         *http.Request
	body      []byte
	requestID string
	key       *inapp.AccessKey
	op        string
	upload    *upload // the body of an upload, written to a file
}

type handlerFunc func(c *call) error

// access says who may call an operation.
type access int

const (
	rootOnly   access = iota
	device            // app client keys may call it for their own app
	uploadBody        // root only; the body is a file, streamed to disk (imports.go)
)

// Handler returns the HTTP handler for the whole API.
func (s *Server) Handler() http.Handler {
	if s.Clock == nil {
		s.Clock = inapp.SystemClock{}
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	mux := http.NewServeMux()
	route := func(pattern, op string, who access, h handlerFunc) {
		mux.Handle(muxPattern(pattern), s.operation(op, who, h))
	}
	s.routes(route)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.Handle("/", s.operation("", rootOnly, func(c *call) error {
		return inapp.Errorf(inapp.ENOTFOUND, "No operation matches %s %s.", c.r.Method, c.r.URL.EscapedPath())
	}))
	return s.cors(mux)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		http.Error(w, "database unavailable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "ok\n")
}

// operation wraps a handler with what every Pinpoint operation shares:
// request IDs, body limits, signature verification, access checks, error
// mapping and a log line.
func (s *Server) operation(op string, who access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		if op != "GetInAppMessages" && op != "PutEvents" {
			w = &timedWriter{ResponseWriter: w, start: start}
		}
		c := &call{w: w, r: r, requestID: newRequestID(), op: op}
		w.Header().Set("x-amzn-RequestId", c.requestID)
		err := s.prepare(c, who)
		if err == nil {
			err = h(c)
		}
		if err != nil {
			s.writeError(c, err)
		}
		// The device operations log only their failures; of those, the
		// 429s of a full event queue are left to the event writer,
		// which logs the first of a spell and counts the rest in its
		// reports (package ingest) instead of a line per request.
		throttledEvents := op == "PutEvents" && inapp.ErrorCode(err) == inapp.ETHROTTLED
		if (op != "GetInAppMessages" && op != "PutEvents" || err != nil) && !throttledEvents {
			level := slog.LevelInfo
			if inapp.ErrorCode(err) == inapp.EINTERNAL {
				level = slog.LevelError
			}
			attrs := []any{"op", op, "method", r.Method, "path", r.URL.EscapedPath(), "request_id", c.requestID, "ms", time.Since(start).Milliseconds()}
			if err != nil {
				attrs = append(attrs, "error", err.Error())
			}
			s.Logger.Log(r.Context(), level, "request", attrs...)
		}
	})
}

// timedWriter gives an answer a Server-Timing header (the W3C header
// that browsers' developer tools show) with the time the server took up
// to it: what a slow admin call spent in inappd, told apart from the
// network and the client. The hot device operations go without it.
type timedWriter struct {
	http.ResponseWriter
	start   time.Time
	stamped bool
}

func (t *timedWriter) stamp() {
	if !t.stamped {
		t.stamped = true
		t.Header().Set("Server-Timing", fmt.Sprintf("app;dur=%.1f", float64(time.Since(t.start).Microseconds())/1000))
	}
}

func (t *timedWriter) WriteHeader(status int) {
	t.stamp()
	t.ResponseWriter.WriteHeader(status)
}

func (t *timedWriter) Write(b []byte) (int, error) {
	t.stamp()
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (t *timedWriter) Unwrap() http.ResponseWriter { return t.ResponseWriter }

// prepare reads the body, verifies the signature and checks access.
func (s *Server) prepare(c *call, who access) error {
	if who == uploadBody {
		return s.prepareUpload(c)
	}
	body, err := readBody(c.w, c.r)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return inapp.Errorf(inapp.ETOOLARGE, "Request payload exceeds the maximum of %d bytes.", MaxBodyBytes)
		}
		return inapp.Errorf(inapp.EINVALID, "Could not read the request body: %v", err)
	}
	c.body = body
	key, err := s.Auth.Verify(c.r, body)
	if err != nil {
		return err
	}
	c.key = key
	if key.AppID == "" {
		return nil // root key
	}
	if who != device || c.path("application-id") != key.AppID {
		return inapp.Errorf(inapp.EFORBIDDEN, "User: %s is not authorized to perform: mobiletargeting:%s on this resource: client keys may only call UpdateEndpoint, UpdateEndpointsBatch, GetInAppMessages and PutEvents of application %s.", key.ID, opOrPath(c), key.AppID)
	}
	return nil
}

// readBody reads the request's payload, at most MaxBodyBytes of it. A
// request without one (every GetInAppMessages) costs no reader and no
// buffer; one whose length is known is read into a buffer of that size
// rather than one grown by doubling from 512 bytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	rd := http.MaxBytesReader(w, r.Body, MaxBodyBytes)
	n := r.ContentLength
	if n <= 0 || n > MaxBodyBytes {
		return io.ReadAll(rd)
	}
	// One byte more than announced, so that the read which finds the end
	// of the body needs no second buffer.
	b := make([]byte, 0, n+1)
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)] // a body longer than announced
		}
		m, err := rd.Read(b[len(b):cap(b)])
		b = b[:len(b)+m]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

func opOrPath(c *call) string {
	if c.op != "" {
		return c.op
	}
	return c.r.URL.EscapedPath()
}

// decode parses the JSON payload into v. An empty body counts as {} (what
// the AWS SDKs send when the caller gives no payload).
func (c *call) decode(v any) error {
	body := c.body
	if len(strings.TrimSpace(string(body))) == 0 {
		body = []byte("{}")
	}
	if err := json.Unmarshal(body, v); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			return inapp.Errorf(inapp.EINVALID, "Invalid value for %s: expected %s, got JSON %s.", typeErr.Field, typeErr.Type, typeErr.Value)
		}
		return inapp.Errorf(inapp.EINVALID, "Request body is not valid JSON: %v", err)
	}
	return nil
}

// json writes v with the given status.
func (c *call) json(status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	c.raw(status, b)
	return nil
}

func (c *call) raw(status int, b []byte) {
	h := c.w.Header()
	h.Set("Content-Type", "application/json")
	// A known length lets net/http send the answer in one write instead of
	// chunks.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	c.w.WriteHeader(status)
	c.w.Write(b)
}

// message answers with Pinpoint's MessageBody.
func (c *call) message(status int, msg string) error {
	return c.json(status, map[string]string{"Message": msg, "RequestID": c.requestID})
}

// path returns a path label by the model's name ("application-id").
func (c *call) path(name string) string { return c.r.PathValue(wildcardName(name)) }

// wildcardName is wildcardNames.Replace without its new string for the
// two labels that device requests read on every call.
func wildcardName(name string) string {
	switch name {
	case "application-id":
		return "application_id"
	case "endpoint-id":
		return "endpoint_id"
	}
	return wildcardNames.Replace(name)
}

// wildcardNames turns the model's label names into ServeMux wildcard names,
// which must be Go identifiers.
var wildcardNames = strings.NewReplacer("-", "_")

// muxPattern rewrites the {label-names} of a pattern, and nothing else.
func muxPattern(pattern string) string {
	parts := strings.Split(pattern, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, "{") {
			parts[i] = wildcardNames.Replace(p)
		}
	}
	return strings.Join(parts, "/")
}

// page reads page-size and token (or next-token) query parameters.
func (c *call) page(tokenParam string) (inapp.Page, error) {
	q := c.r.URL.Query()
	p := inapp.Page{Token: q.Get(tokenParam)}
	if s := q.Get("page-size"); s != "" {
		n, err := parsePositiveInt(s)
		if err != nil || n > 1000 {
			return p, inapp.Errorf(inapp.EINVALID, "page-size must be a whole number from 1 to 1000, got %q.", s)
		}
		p.Size = n
	}
	return p, nil
}

func (s *Server) now() string { return inapp.FormatTime(s.Clock.Now()) }
