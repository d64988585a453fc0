package streams

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/e2etest"
)

// skipf skips the test, or fails it in strict mode (e2etest.Skipf).
var skipf = e2etest.Skipf

// wantInvalid fails unless err is EINVALID with a message holding every
// part.
func wantInvalid(t *testing.T, what string, err error, parts ...string) {
	t.Helper()
	if inapp.ErrorCode(err) != inapp.EINVALID {
		t.Errorf("%s: error %v (code %q), want EINVALID", what, err, inapp.ErrorCode(err))
		return
	}
	for _, p := range parts {
		if !strings.Contains(inapp.ErrorMessage(err), p) {
			t.Errorf("%s: message %q does not say %q", what, inapp.ErrorMessage(err), p)
		}
	}
}

func testBatch(appID string, n int) *Batch {
	b := &Batch{ID: fmt.Sprintf("%s-1-%d", appID, n), AppID: appID}
	for i := range n {
		b.Records = append(b.Records, Encoded{EndpointID: "ep", EventID: fmt.Sprintf("e%d", i), JSON: []byte(fmt.Sprintf(`{"event_id":"e%d"}`, i))})
	}
	return b
}

func TestEventStreamDestinationCheck(t *testing.T) {
	dir := t.TempDir()
	d := &Destinations{StreamDir: dir}
	for _, ok := range []string{
		"https://hooks.example.com/inappd",
		"http://127.0.0.1:9000/events?token=x",
		"nats://127.0.0.1:4222/inappd.events",
		"nats://user:pw@nats.internal/app.events.shop",
		"file://" + dir + "/events.jsonl",
		"file://localhost" + dir + "/events.jsonl",
	} {
		if err := d.Check(ok); err != nil {
			t.Errorf("Check(%q): %v", ok, err)
		}
	}
	for raw, parts := range map[string][]string{
		"arn:aws:kinesis:us-east-1:123456789012:stream/pinpoint":          {"does not publish to Amazon Kinesis", "https://", "nats://", "file://"},
		"arn:aws:firehose:us-east-1:123456789012:deliverystream/pinpoint": {"does not publish to Amazon Kinesis or Firehose", "--stream-dir"},
		"arn:aws:sqs:us-east-1:123456789012:queue":                        {"not to ARNs"},
		"just-a-name":                             {"is not a URL"},
		"s3://bucket/key":                         {"does not deliver to s3://"},
		"https:///path":                           {"has no host"},
		"nats://127.0.0.1:4222":                   {"names no subject"},
		"nats://127.0.0.1:4222/":                  {"names no subject"},
		"nats:///subject":                         {"nats://host:4222/subject"},
		"nats://127.0.0.1:4222/events.*":          {"wildcard"},
		"nats://127.0.0.1:4222/events..x":         {"empty token"},
		"file://" + dir + "/../escape.jsonl":      {`may not contain ".."`},
		"file:///etc/events.jsonl":                {"outside the stream directory"},
		"file://" + dir + "/missing/events.jsonl": {"does not exist"},
		"file://host/events.jsonl":                {"names the host"},
		"file:relative.jsonl":                     {"absolute path"},
		"file://" + dir:                           {"names the stream directory itself"},
	} {
		wantInvalid(t, "Check("+raw+")", d.Check(raw), parts...)
	}
	// Without --stream-dir, file:// is off.
	wantInvalid(t, "file:// without a stream directory", (&Destinations{}).Check("file://"+dir+"/events.jsonl"), "file:// destinations are off", "--stream-dir", "INAPPD_STREAM_DIR")
}

func TestEventStreamFileEscapes(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	d := &Destinations{StreamDir: root}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	// A directory link that leads outside, and a file link that does.
	must(os.Symlink(outside, filepath.Join(root, "out")))
	must(os.WriteFile(filepath.Join(outside, "target.jsonl"), nil, 0o600))
	must(os.Symlink(filepath.Join(outside, "target.jsonl"), filepath.Join(root, "link.jsonl")))
	wantInvalid(t, "through a directory link", d.Check("file://"+root+"/out/events.jsonl"), "outside the stream directory")
	wantInvalid(t, "a file link", d.Check("file://"+root+"/link.jsonl"), "outside the stream directory")
	// Links that stay inside are fine, and so are subdirectories.
	must(os.Mkdir(filepath.Join(root, "sub"), 0o700))
	must(os.Symlink(filepath.Join(root, "sub"), filepath.Join(root, "inner")))
	if err := d.Check("file://" + root + "/inner/events.jsonl"); err != nil {
		t.Errorf("a link inside the stream directory: %v", err)
	}
	must(os.Mkdir(filepath.Join(root, "dir.jsonl"), 0o700))
	wantInvalid(t, "a directory", d.Check("file://"+root+"/dir.jsonl"), "not a regular file")

	// A link that appears after the stream was put is refused at delivery
	// time: nothing is written outside.
	dest, err := d.Open("file://" + root + "/later.jsonl")
	must(err)
	must(os.Symlink(filepath.Join(outside, "later.jsonl"), filepath.Join(root, "later.jsonl")))
	err = dest.Send(t.Context(), testBatch("app", 1))
	wantInvalid(t, "Send through a link made later", err, "outside the stream directory")
	if _, err := os.Stat(filepath.Join(outside, "later.jsonl")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written outside the stream directory (%v)", err)
	}
}

func TestEventStreamFileAppend(t *testing.T) {
	root := t.TempDir()
	d := &Destinations{StreamDir: root}
	path := filepath.Join(root, "events.jsonl")
	dest, err := d.Open("file://" + path)
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	if err := dest.Send(t.Context(), testBatch("app", 2)); err != nil {
		t.Fatal(err)
	}
	// Rotated by renaming: the next batch starts a new file.
	if err := os.Rename(path, path+".1"); err != nil {
		t.Fatal(err)
	}
	if err := dest.Send(t.Context(), testBatch("app", 3)); err != nil {
		t.Fatal(err)
	}
	if err := dest.Send(t.Context(), testBatch("app", 1)); err != nil {
		t.Fatal(err)
	}
	for file, want := range map[string]string{
		path + ".1": `{"event_id":"e0"}` + "\n" + `{"event_id":"e1"}` + "\n",
		path:        `{"event_id":"e0"}` + "\n" + `{"event_id":"e1"}` + "\n" + `{"event_id":"e2"}` + "\n" + `{"event_id":"e0"}` + "\n",
	} {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != want {
			t.Errorf("%s holds %q, want %q", file, b, want)
		}
	}
}

// receiver is a webhook receiver on loopback that records what it gets
// and answers with the status fail returns (200 when nil).
type receiver struct {
	*httptest.Server
	mu       sync.Mutex
	requests []received
	fail     func(n int) int
}

type received struct {
	header http.Header
	lines  []string
}

func newReceiver(t *testing.T, fail func(n int) int) *receiver {
	r := &receiver{fail: fail}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		n := len(r.requests) + 1
		var lines []string
		sc := bufio.NewScanner(strings.NewReader(string(body)))
		for sc.Scan() {
			lines = append(lines, sc.Text())
		}
		r.requests = append(r.requests, received{req.Header.Clone(), lines})
		status := http.StatusOK
		if r.fail != nil {
			status = r.fail(n)
		}
		r.mu.Unlock()
		if status != http.StatusOK {
			http.Error(w, "not now", status)
			return
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.requests...)
}

func TestEventStreamWebhook(t *testing.T) {
	rcv := newReceiver(t, func(n int) int {
		if n == 2 {
			return http.StatusServiceUnavailable
		}
		return http.StatusOK
	})
	d := &Destinations{}
	dest, err := d.Open(rcv.URL + "/hook")
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	b := testBatch("app1", 3)
	if err := dest.Send(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	err = dest.Send(t.Context(), b)
	if err == nil || !strings.Contains(err.Error(), "503") || !strings.Contains(err.Error(), "not now") {
		t.Errorf("Send to a receiver answering 503: %v, want an error naming the status and the answer", err)
	}
	got := rcv.got()
	if len(got) != 2 {
		t.Fatalf("%d requests, want 2", len(got))
	}
	h := got[0].header
	for name, want := range map[string]string{
		"Content-Type":    "application/x-ndjson",
		DeliveryIDHeader:  "app1-1-3",
		AppIDHeader:       "app1",
		RecordCountHeader: "3",
	} {
		if h.Get(name) != want {
			t.Errorf("header %s = %q, want %q", name, h.Get(name), want)
		}
	}
	if got[1].header.Get(DeliveryIDHeader) != "app1-1-3" {
		t.Errorf("a retried batch has delivery ID %q, want the same as the first attempt", got[1].header.Get(DeliveryIDHeader))
	}
	if want := []string{`{"event_id":"e0"}`, `{"event_id":"e1"}`, `{"event_id":"e2"}`}; fmt.Sprint(got[0].lines) != fmt.Sprint(want) {
		t.Errorf("body lines %q, want %q", got[0].lines, want)
	}

	// A receiver that is not there.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dest, _ = d.Open("http://user:secret@" + addr + "/hook")
	err = dest.Send(t.Context(), b)
	if err == nil {
		t.Fatalf("Send to a closed port succeeded")
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("the error shows the URL's password: %v", err)
	}
}

// natsURL is the JetStream server the tests use: INAPPD_TEST_NATS, else
// the machine's own.
func natsURL() string {
	if u := os.Getenv("INAPPD_TEST_NATS"); u != "" {
		return u
	}
	return "nats://127.0.0.1:4222"
}

// jetStream connects to the test server, or skips.
func jetStream(t *testing.T) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(natsURL(), nats.Timeout(2*time.Second))
	if err != nil {
		skipf(t, "NATS with JetStream is not reachable at %s (%v): start nats-server -js, or set INAPPD_TEST_NATS", natsURL(), err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if _, err := js.AccountInfo(ctx); err != nil {
		skipf(t, "NATS at %s has no JetStream (%v): start nats-server with -js", natsURL(), err)
	}
	return js
}

// uniqueSubject is a subject no other test run uses; the stream inappd
// creates for it is deleted when the test ends.
func uniqueSubject(t *testing.T, js jetstream.JetStream) string {
	subject := "inappd.test." + inapp.NewID()[:12]
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		js.DeleteStream(ctx, StreamName(subject))
	})
	return subject
}

// streamMessages reads every message of the stream.
func streamMessages(t *testing.T, js jetstream.JetStream, name string, want int) []*jetstream.RawStreamMsg {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, name)
	if err != nil {
		t.Fatalf("stream %s: %v", name, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if int(info.State.Msgs) != want {
		t.Errorf("stream %s holds %d messages, want %d", name, info.State.Msgs, want)
	}
	var msgs []*jetstream.RawStreamMsg
	for seq := uint64(1); seq <= info.State.LastSeq; seq++ {
		raw, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		msgs = append(msgs, raw)
	}
	return msgs
}

func TestEventStreamNATSDedup(t *testing.T) {
	js := jetStream(t)
	subject := uniqueSubject(t, js)
	d := &Destinations{}
	dest, err := d.Open(natsURL() + "/" + subject)
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	b := testBatch("app1", 5)
	// The first send creates the stream; the same batch sent again (an
	// acknowledgement lost) stores nothing twice.
	for range 2 {
		if err := dest.Send(t.Context(), b); err != nil {
			t.Fatalf("Send: %v", err)
		}
	}
	more := testBatch("app1", 7) // e0…e4 again, and e5, e6
	if err := dest.Send(t.Context(), more); err != nil {
		t.Fatalf("Send: %v", err)
	}
	msgs := streamMessages(t, js, StreamName(subject), 7)
	for i, m := range msgs {
		if want := fmt.Sprintf(`{"event_id":"e%d"}`, i); string(m.Data) != want {
			t.Errorf("message %d: %s, want %s", i, m.Data, want)
		}
		if got, want := m.Header.Get("Nats-Msg-Id"), fmt.Sprintf("app1/ep/e%d", i); got != want {
			t.Errorf("message %d: Nats-Msg-Id %q, want %q", i, got, want)
		}
		if m.Subject != subject {
			t.Errorf("message %d on subject %q, want %q", i, m.Subject, subject)
		}
	}
}

func TestEventStreamNATSExistingStream(t *testing.T) {
	js := jetStream(t)
	subject := uniqueSubject(t, js)
	// An operator's own stream capturing a wildcard: inappd publishes
	// into it and creates nothing.
	name := "OPS_" + strings.ReplaceAll(subject, ".", "_")
	ctx := t.Context()
	if _, err := js.CreateStream(ctx, jetstream.StreamConfig{Name: name, Subjects: []string{subject + ".>"}, Storage: jetstream.MemoryStorage}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { js.DeleteStream(context.Background(), name) })
	dest, err := (&Destinations{}).Open(natsURL() + "/" + subject + ".shop")
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	if err := dest.Send(ctx, testBatch("app1", 3)); err != nil {
		t.Fatal(err)
	}
	streamMessages(t, js, name, 3)
	if _, err := js.Stream(ctx, StreamName(subject+".shop")); !errors.Is(err, jetstream.ErrStreamNotFound) {
		t.Errorf("inappd created a stream although one captured the subject (%v)", err)
	}
}

func TestEventStreamNATSDown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dest, err := (&Destinations{}).Open("nats://" + addr + "/inappd.events")
	if err != nil {
		t.Fatal(err)
	}
	defer dest.Close()
	if err := dest.Send(t.Context(), testBatch("app1", 1)); err == nil || !strings.Contains(err.Error(), "connect to NATS") {
		t.Errorf("Send to a NATS server that is not there: %v", err)
	}
}
