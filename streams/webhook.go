package streams

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	inapp "github.com/inappd/inappd"
)

// Headers of a webhook delivery.
const (
	// DeliveryIDHeader carries the batch's ID: the same on every attempt
	// to deliver the same batch, so a receiver can drop a retry it has
	// already processed (its answer was lost, or came too late).
	DeliveryIDHeader = "Inappd-Delivery-Id"
	// AppIDHeader names the application whose events the batch holds.
	AppIDHeader = "Inappd-Application-Id"
	// RecordCountHeader is the number of records (lines) in the body.
	RecordCountHeader = "Inappd-Record-Count"
)

// webhook POSTs each batch as newline-delimited JSON; any 2xx answer means
// delivered.
type webhook struct {
	url    *url.URL
	client *http.Client
}

func (w *webhook) Send(ctx context.Context, b *Batch) error {
	var body bytes.Buffer
	for _, r := range b.Records {
		body.Write(r.JSON)
		body.WriteByte('\n')
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url.String(), &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-ndjson")
	req.Header.Set("User-Agent", "inappd/"+inapp.Version)
	req.Header.Set(DeliveryIDHeader, b.ID)
	req.Header.Set(AppIDHeader, b.AppID)
	req.Header.Set(RecordCountHeader, strconv.Itoa(len(b.Records)))
	resp, err := w.client.Do(req)
	if err != nil {
		// Said with the URL's password left out of the logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("POST %s: %w", w.url.Redacted(), err)
	}
	defer resp.Body.Close()
	// Read (a little of) the answer, so the connection can be reused and
	// a refusal can say why.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("POST %s answered %s: %q", w.url.Redacted(), resp.Status, strings.TrimSpace(string(snippet)))
	}
	return nil
}

func (w *webhook) Close() error {
	w.client.CloseIdleConnections()
	return nil
}
