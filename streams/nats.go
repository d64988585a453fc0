package streams

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// natsStream publishes each record as one JetStream message on the
// destination's subject, with a Nats-Msg-Id of the record's event (app,
// endpoint, event ID): JetStream drops a message whose ID it saw within
// the stream's duplicate window (2 minutes by default), so a batch sent
// again after a lost acknowledgement stores each event once. A batch is
// delivered once JetStream acknowledged (PubAck) every message of it.
//
// When no stream captures the subject, one is created (named after the
// subject, file storage, JetStream's default limits) and the creation
// logged: events are never published into the void.
type natsStream struct {
	server  string // nats://[user:password@]host:port
	subject string
	shown   string // the server without a password, for messages
	logger  *slog.Logger

	mu     sync.Mutex
	nc     *nats.Conn
	js     jetstream.JetStream
	stream string // the stream known to capture subject; "" to look again
}

// natsAckTimeout bounds the wait for a batch's acknowledgements.
const natsAckTimeout = 10 * time.Second

func newNATS(u *url.URL, logger *slog.Logger) *natsStream {
	server := &url.URL{Scheme: "nats", User: u.User, Host: u.Host}
	if server.Port() == "" {
		server.Host += ":4222"
	}
	return &natsStream{
		server:  server.String(),
		subject: strings.TrimPrefix(u.Path, "/"),
		shown:   server.Redacted(),
		logger:  logger,
	}
}

func (n *natsStream) connect() error {
	if n.nc != nil && !n.nc.IsClosed() {
		return nil
	}
	nc, err := nats.Connect(n.server,
		nats.Name("inappd event stream"),
		nats.Timeout(5*time.Second),
		// Keep reconnecting on its own once connected; a first connection
		// that fails is retried by the worker.
		nats.MaxReconnects(-1),
		nats.ReconnectWait(time.Second),
	)
	if err != nil {
		return fmt.Errorf("connect to NATS at %s: %w", n.shown, err)
	}
	js, err := jetstream.New(nc, jetstream.WithPublishAsyncTimeout(natsAckTimeout))
	if err != nil {
		nc.Close()
		return fmt.Errorf("JetStream at %s: %w", n.shown, err)
	}
	n.nc, n.js, n.stream = nc, js, ""
	return nil
}

// ensureStream finds the stream that captures the subject, creating one
// if none does.
func (n *natsStream) ensureStream(ctx context.Context) error {
	if n.stream != "" {
		return nil
	}
	name, err := n.js.StreamNameBySubject(ctx, n.subject)
	if err == nil {
		n.stream = name
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("look up the JetStream stream of subject %s at %s: %w", n.subject, n.shown, err)
	}
	name = StreamName(n.subject)
	_, err = n.js.CreateStream(ctx, jetstream.StreamConfig{
		Name:        name,
		Description: "inappd event stream records (created by inappd)",
		Subjects:    []string{n.subject},
		Storage:     jetstream.FileStorage,
	})
	switch {
	case err == nil:
		n.logger.Info("event stream: no JetStream stream captured the subject, so inappd created one", "stream", name, "subject", n.subject, "server", n.shown)
	case errors.Is(err, jetstream.ErrStreamNameAlreadyInUse):
		// Another node created it meanwhile, or a stream of that name
		// captures other subjects.
		if name, err = n.js.StreamNameBySubject(ctx, n.subject); err != nil {
			return fmt.Errorf("no JetStream stream captures subject %s at %s, and a stream named %s exists that does not: add the subject to a stream, or create one for it", n.subject, n.shown, StreamName(n.subject))
		}
	default:
		return fmt.Errorf("create JetStream stream %s for subject %s at %s: %w", name, n.subject, n.shown, err)
	}
	n.stream = name
	return nil
}

// StreamName is the name of the JetStream stream inappd creates for a
// subject: INAPPD_ and the subject with every character a stream name may
// not hold replaced by '_' ("inappd.events" → "INAPPD_inappd_events").
func StreamName(subject string) string {
	return "INAPPD_" + unsafeStreamChars.ReplaceAllString(subject, "_")
}

var unsafeStreamChars = regexp.MustCompile(`[^A-Za-z0-9_-]`)

func (n *natsStream) Send(ctx context.Context, b *Batch) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.connect(); err != nil {
		return err
	}
	if err := n.ensureStream(ctx); err != nil {
		return err
	}
	futures := make([]jetstream.PubAckFuture, 0, len(b.Records))
	for _, r := range b.Records {
		msg := nats.NewMsg(n.subject)
		msg.Data = r.JSON
		msg.Header.Set(AppIDHeader, b.AppID)
		msg.Header.Set(DeliveryIDHeader, b.ID)
		f, err := n.js.PublishMsgAsync(msg, jetstream.WithMsgID(r.DedupID(b.AppID)), jetstream.WithExpectStream(n.stream))
		if err != nil {
			return fmt.Errorf("publish to %s at %s: %w", n.subject, n.shown, err)
		}
		futures = append(futures, f)
	}
	var first error
	failed := 0
	for _, f := range futures {
		select {
		case <-f.Ok():
		case err := <-f.Err():
			failed++
			if first == nil {
				first = err
			}
		case <-ctx.Done():
			return fmt.Errorf("publish to %s at %s: %w", n.subject, n.shown, ctx.Err())
		}
	}
	if first != nil {
		var apiErr *jetstream.APIError
		if errors.Is(first, jetstream.ErrNoStreamResponse) || errors.As(first, &apiErr) {
			n.stream = "" // the stream may be gone, or changed: look again
		}
		return fmt.Errorf("publish to %s at %s: %d of %d messages not acknowledged: %w", n.subject, n.shown, failed, len(futures), first)
	}
	return nil
}

func (n *natsStream) Close() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.nc != nil {
		n.nc.Close()
		n.nc = nil
	}
	return nil
}
