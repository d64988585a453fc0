package streams

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

// Destination receives batches of records, in order. Send returns nil
// only once the destination has the whole batch durably (a 2xx answer,
// JetStream's PubAcks, an fsync); on error the batch is sent again, whole,
// later: a destination may see a record twice, never lose one.
type Destination interface {
	Send(ctx context.Context, b *Batch) error
	Close() error
}

// Batch is records of one app, to be delivered together.
type Batch struct {
	// ID names the batch, the same on every attempt to send it (the app
	// and the outbox seqs of its first and last items), so that a receiver
	// can tell a retry from new records.
	ID      string
	AppID   string
	Records []Encoded
}

// Encoded is one record as sent.
type Encoded struct {
	EndpointID string
	EventID    string
	JSON       []byte
}

// DedupID identifies the record's event across every delivery of it: the
// app, the endpoint and the event ID (event IDs are unique per endpoint).
func (e Encoded) DedupID(appID string) string {
	return appID + "/" + e.EndpointID + "/" + e.EventID
}

// Destinations parses DestinationStreamArn values and opens them. The
// zero value refuses file:// destinations and uses a default HTTP client.
type Destinations struct {
	// StreamDir is the directory file:// destinations must be under (the
	// operator's --stream-dir); "" refuses file:// destinations.
	StreamDir string
	// HTTPClient posts to webhooks (a client with a 30 s timeout when nil).
	HTTPClient *http.Client
	Logger     *slog.Logger
}

func invalid(format string, args ...any) error { return inapp.Errorf(inapp.EINVALID, format, args...) }

const kinds = "an https:// (or http://) webhook URL, nats://host:4222/subject for a NATS JetStream subject, or file:///path/events.jsonl under the operator's stream directory (--stream-dir)"

// Check refuses a DestinationStreamArn inappd cannot deliver to, saying
// what to give instead. It does not connect to anything.
func (d *Destinations) Check(raw string) error {
	_, err := d.parse(raw)
	return err
}

// Open returns the destination raw names (as Check accepted it). It does
// not connect yet: Send does, and reconnects after failures.
func (d *Destinations) Open(raw string) (Destination, error) {
	t, err := d.parse(raw)
	if err != nil {
		return nil, err
	}
	switch t.kind {
	case "webhook":
		return &webhook{url: t.url, client: d.httpClient()}, nil
	case "nats":
		return newNATS(t.url, d.logger()), nil
	default:
		return &file{dirs: d, url: t.url}, nil
	}
}

func (d *Destinations) httpClient() *http.Client {
	if d.HTTPClient != nil {
		return d.HTTPClient
	}
	return &http.Client{Timeout: 30 * time.Second}
}

func (d *Destinations) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

type target struct {
	kind string // webhook, nats, file
	url  *url.URL
}

func (d *Destinations) parse(raw string) (*target, error) {
	if strings.HasPrefix(raw, "arn:") {
		parts := strings.Split(raw, ":")
		if len(parts) > 2 && (parts[2] == "kinesis" || parts[2] == "firehose") {
			return nil, invalid("DestinationStreamArn %q: inappd does not publish to Amazon Kinesis or Firehose. Give %s.", raw, kinds)
		}
		return nil, invalid("DestinationStreamArn %q: inappd delivers event streams to destinations of its own, not to ARNs. Give %s.", raw, kinds)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return nil, invalid("DestinationStreamArn %q is not a URL. Give %s.", raw, kinds)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return nil, invalid("DestinationStreamArn %q: the webhook URL has no host.", raw)
		}
		return &target{"webhook", u}, nil
	case "nats":
		if u.Host == "" {
			return nil, invalid("DestinationStreamArn %q: give the NATS server and the subject, as nats://host:4222/subject.", raw)
		}
		if err := checkSubject(strings.TrimPrefix(u.Path, "/")); err != nil {
			return nil, invalid("DestinationStreamArn %q: %v", raw, err)
		}
		return &target{"nats", u}, nil
	case "file":
		if _, err := d.filePath(u, raw); err != nil {
			return nil, err
		}
		return &target{"file", u}, nil
	}
	return nil, invalid("DestinationStreamArn %q: inappd does not deliver to %s:// destinations. Give %s.", raw, u.Scheme, kinds)
}

// checkSubject accepts a NATS subject to publish to: dot-separated
// tokens, no wildcards, no white space.
func checkSubject(s string) error {
	if s == "" {
		return errors.New("the URL names no subject: give nats://host:4222/subject (for example nats://127.0.0.1:4222/inappd.events)")
	}
	for _, tok := range strings.Split(s, ".") {
		switch {
		case tok == "":
			return fmt.Errorf("subject %q has an empty token (two dots, or a dot at an end)", s)
		case tok == "*" || tok == ">":
			return fmt.Errorf("subject %q has a wildcard: events are published to one subject", s)
		case strings.ContainsAny(tok, " \t\r\n/"):
			return fmt.Errorf("subject %q may not hold white space or '/'", s)
		}
	}
	return nil
}

// filePath resolves a file:// destination to the file to append to,
// which must be under the stream directory once symbolic links are
// resolved. The file need not exist; its directory must.
func (d *Destinations) filePath(u *url.URL, raw string) (string, error) {
	if d.StreamDir == "" {
		return "", invalid("DestinationStreamArn %q: file:// destinations are off. The operator enables them by starting inappd with --stream-dir (or INAPPD_STREAM_DIR) set to the directory event files may be written in.", raw)
	}
	switch u.Host {
	case "", "localhost":
	default:
		return "", invalid("DestinationStreamArn %q names the host %q: give file:///absolute/path/events.jsonl (three slashes).", raw, u.Host)
	}
	p := u.Path
	if p == "" || !filepath.IsAbs(p) {
		return "", invalid("DestinationStreamArn %q: give an absolute path, as file:///path/under/the/stream/directory/events.jsonl.", raw)
	}
	for _, part := range strings.Split(filepath.ToSlash(p), "/") {
		if part == ".." {
			return "", invalid("DestinationStreamArn %q: the path may not contain \"..\".", raw)
		}
	}
	root, err := filepath.EvalSymlinks(d.StreamDir)
	if err != nil {
		return "", fmt.Errorf("stream directory %s: %w", d.StreamDir, err)
	}
	if root, err = filepath.Abs(root); err != nil {
		return "", err
	}
	given, _ := filepath.Abs(d.StreamDir)
	clean := filepath.Clean(p)
	outside := invalid("DestinationStreamArn %q: %s is outside the stream directory %s; inappd writes event files only under it.", raw, clean, root)
	if clean == root || clean == given {
		return "", invalid("DestinationStreamArn %q names the stream directory itself: give a file in it, as file://%s/events.jsonl.", raw, clean)
	}
	if !below(root, clean) && !below(given, clean) {
		// Said before looking: nothing about the world outside leaks.
		return "", outside
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(clean))
	if errors.Is(err, fs.ErrNotExist) {
		return "", invalid("DestinationStreamArn %q: the directory %s does not exist; create it under the stream directory first.", raw, filepath.Dir(clean))
	}
	if err != nil {
		return "", invalid("DestinationStreamArn %q: %v", raw, err)
	}
	if dir != root && !below(root, dir) {
		return "", outside
	}
	path := filepath.Join(dir, filepath.Base(clean))
	info, err := os.Lstat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, nil // created at the first delivery
	case err != nil:
		return "", invalid("DestinationStreamArn %q: %v", raw, err)
	case info.Mode()&fs.ModeSymlink != 0:
		resolved, err := filepath.EvalSymlinks(path)
		if err != nil || !below(root, resolved) {
			return "", outside
		}
		if info, err = os.Stat(resolved); err != nil {
			return "", invalid("DestinationStreamArn %q: %v", raw, err)
		}
		path = resolved
	}
	if !info.Mode().IsRegular() {
		return "", invalid("DestinationStreamArn %q: %s is not a regular file.", raw, path)
	}
	return path, nil
}

// below reports whether p is strictly inside root.
func below(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// file appends records to a file, one JSON object per line.
type file struct {
	dirs *Destinations
	url  *url.URL
}

// Send appends the batch with one write and fsyncs it (and, for a new
// file, its directory) before it reports success. The path is resolved
// and checked again each time (a symbolic link may have appeared), and the
// file is opened for each batch, so that it can be rotated by renaming.
func (f *file) Send(ctx context.Context, b *Batch) error {
	path, err := f.dirs.filePath(f.url, f.url.String())
	if err != nil {
		return err
	}
	_, statErr := os.Lstat(path)
	created := errors.Is(statErr, fs.ErrNotExist)
	out, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o640)
	if err != nil {
		return err
	}
	n := 0
	for _, r := range b.Records {
		n += len(r.JSON) + 1
	}
	buf := make([]byte, 0, n)
	for _, r := range b.Records {
		buf = append(append(buf, r.JSON...), '\n')
	}
	if _, err := out.Write(buf); err != nil {
		out.Close()
		return fmt.Errorf("append to %s: %w", path, err)
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return fmt.Errorf("fsync %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return err
	}
	if created {
		// The file's directory entry must be durable too.
		if dir, err := os.Open(filepath.Dir(path)); err == nil {
			err = dir.Sync()
			dir.Close()
			if err != nil {
				return fmt.Errorf("fsync %s: %w", filepath.Dir(path), err)
			}
		}
	}
	return nil
}

func (f *file) Close() error { return nil }
