package pinpointapi

import (
	"context"
	"net/http"
	"runtime"
	"sync"

	gojson "github.com/goccy/go-json"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

// MaxEventsPerRequest is the most events one PutEvents request may carry,
// Pinpoint's quota: an event queue must hold at least that many.
const MaxEventsPerRequest = 100

// PutEvents quotas, as Pinpoint enforced them.
const (
	maxEventKeys         = 40
	maxEventAttrKeyLen   = 50
	maxEventAttrValueLen = 200
	campaignIDAttribute  = "campaign_id"
	statusAccepted       = 202
	statusBadEvent       = 400
	acceptedMessage      = "Accepted"
)

func (s *Server) getInAppMessages(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ctx, endpointID := c.r.Context(), c.path("endpoint-id")
	d, ok := s.Delivery.(appendingDeliverer)
	if !ok {
		body, err := s.Delivery.InAppMessages(ctx, appID, endpointID)
		if err != nil {
			return err
		}
		c.raw(http.StatusOK, body)
		return nil
	}
	// Answers of ~14 KB on every request: reuse the buffers rather than
	// leave one to the garbage collector per request.
	buf := answerBuffers.Get().(*[]byte)
	defer answerBuffers.Put(buf)
	body, err := d.AppendInAppMessages(ctx, (*buf)[:0], appID, endpointID)
	if err != nil {
		return err
	}
	c.raw(http.StatusOK, body) // written before raw returns: the buffer is free after
	if cap(body) <= maxPooledAnswer {
		*buf = body
	}
	return nil
}

// appendingDeliverer is a Deliverer that can write an answer into the
// caller's buffer (delivery.Engine can).
type appendingDeliverer interface {
	AppendInAppMessages(ctx context.Context, dst []byte, appID, endpointID string) ([]byte, error)
}

// answerBuffers holds GetInAppMessages answer buffers (*[]byte). One that
// grew past maxPooledAnswer (an app whose messages are unusually large) is
// not kept.
var answerBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 16<<10); return &b }}

const maxPooledAnswer = 256 << 10

type eventsBatch struct {
	Endpoint *inapp.EndpointRequest  `json:"Endpoint"`
	Events   map[string]*inapp.Event `json:"Events"`
}

type putEventsRequest struct {
	BatchItem map[string]*eventsBatch `json:"BatchItem"`
}

// decodePutEvents decodes a PutEvents body with go-json, which reads these
// bodies 2-3 times faster than encoding/json: decoding was over half of
// the handler's CPU (BenchmarkPutEventsHandler). go-json is held to
// encoding/json's results by FuzzPutEventsDecode. A body go-json refuses
// goes through c.decode, so that the message is the one every other
// operation gives.
func decodePutEvents(c *call, req *putEventsRequest) error {
	if gojson.Unmarshal(c.body, req) == nil {
		return nil
	}
	*req = putEventsRequest{}
	return c.decode(req)
}

type itemStatus struct {
	Message    string `json:"Message"`
	StatusCode int    `json:"StatusCode"`
}

type itemResponse struct {
	EndpointItemResponse *itemStatus            `json:"EndpointItemResponse,omitempty"`
	EventsItemResponse   map[string]*itemStatus `json:"EventsItemResponse"`
}

func (s *Server) putEvents(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	// Room for the most events a request may carry, taken before the
	// body is decoded: at capacity, a request turned away costs a 429, not
	// the decoding of events that could not be queued anyway.
	room, err := s.Events.Reserve(MaxEventsPerRequest)
	if err != nil {
		return err
	}
	defer room.Release()
	results, records, err := s.putEventsRecords(c, appID)
	if err != nil {
		return err
	}
	if len(records) > 0 {
		// 202 only once the events are durable.
		if _, err := room.Submit(c.r.Context(), records); err != nil {
			return err
		}
	}
	return writePutEventsAnswer(c, results)
}

// putEventsSlots bounds the PutEvents requests that decode and validate
// at once to the CPUs. A group commit answers a few hundred requests
// together, their clients send the next ones together, and unbounded,
// those hundreds of handlers queued for the CPU ahead of whatever else
// came in: an admin write waited up to 100 ms for its turn (load bench,
// 1M endpoints, 256 PutEvents clients).
var putEventsSlots = make(chan struct{}, runtime.GOMAXPROCS(0))

// putEventsRecords decodes and validates a PutEvents request, in one of
// putEventsSlots: the answer for each endpoint and event, and the records
// of the accepted events.
func (s *Server) putEventsRecords(c *call, appID string) (map[string]*itemResponse, []*inapp.EventRecord, error) {
	ctx := c.r.Context()
	select {
	case putEventsSlots <- struct{}{}:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	defer func() { <-putEventsSlots }()
	var req putEventsRequest
	if err := decodePutEvents(c, &req); err != nil {
		return nil, nil, err
	}
	if req.BatchItem == nil {
		return nil, nil, missing("BatchItem")
	}
	total := 0
	for _, b := range req.BatchItem {
		if b != nil {
			total += len(b.Events)
		}
	}
	if total > MaxEventsPerRequest {
		return nil, nil, inapp.Errorf(inapp.EINVALID, "The request has %d events; PutEvents takes at most %d per request.", total, MaxEventsPerRequest)
	}
	results := make(map[string]*itemResponse, len(req.BatchItem))
	var records []*inapp.EventRecord
	for endpointID, batch := range req.BatchItem {
		res := &itemResponse{EventsItemResponse: map[string]*itemStatus{}}
		results[endpointID] = res
		if batch == nil || batch.Endpoint == nil {
			res.EndpointItemResponse = &itemStatus{Message: "Missing required member: Endpoint.", StatusCode: statusBadEvent}
			for id := range batch.eventsOrNil() {
				res.EventsItemResponse[id] = &itemStatus{Message: "Missing required member: Endpoint.", StatusCode: statusBadEvent}
			}
			continue
		}
		if batch.Events == nil {
			res.EndpointItemResponse = &itemStatus{Message: "Missing required member: Events.", StatusCode: statusBadEvent}
			continue
		}
		tz, endpointStatus, err := s.putEventsEndpoint(ctx, appID, endpointID, batch.Endpoint, countsCaps(batch.Events))
		if err != nil {
			return nil, nil, err // the database is away: 503 for the whole request
		}
		res.EndpointItemResponse = endpointStatus
		for eventID, ev := range batch.Events {
			rec, err := eventRecord(appID, endpointID, eventID, ev, tz)
			if err != nil {
				res.EventsItemResponse[eventID] = &itemStatus{Message: inapp.ErrorMessage(err), StatusCode: statusBadEvent}
				continue
			}
			res.EventsItemResponse[eventID] = &itemStatus{Message: acceptedMessage, StatusCode: statusAccepted}
			records = append(records, rec)
		}
	}
	return results, records, nil
}

// putEventsAnswer is PutEvents' EventsResponse.
type putEventsAnswer struct {
	Results map[string]*itemResponse `json:"Results"`
}

// writePutEventsAnswer writes the 202 answer with go-json, which encodes
// it as encoding/json does (FuzzPutEventsDecode) in less than half the
// time: the answer holds a status for every event of the request.
func writePutEventsAnswer(c *call, results map[string]*itemResponse) error {
	b, err := gojson.Marshal(putEventsAnswer{Results: results})
	if err != nil {
		return err
	}
	c.raw(http.StatusAccepted, b)
	return nil
}

func (b *eventsBatch) eventsOrNil() map[string]*inapp.Event {
	if b == nil {
		return nil
	}
	return b.Events
}

// countsCaps reports whether any of the events moves a cap counter, so
// needs the endpoint's time zone.
func countsCaps(events map[string]*inapp.Event) bool {
	for _, ev := range events {
		if ev != nil && ev.EventType == inapp.EventDisplayed && ev.Attributes[campaignIDAttribute] != "" {
			return true
		}
	}
	return false
}

// putEventsEndpoint applies the batch's PublicEndpoint (an empty one, as
// Amplify sends, changes nothing) and, when needTZ, returns the endpoint's
// time zone for the daily-cap day of its events. An error comes back only
// when the database is away (EUNAVAIL): the request then fails as a whole
// (503), rather than reporting the endpoint as bad or counting its events
// on a day guessed without its time zone.
func (s *Server) putEventsEndpoint(ctx context.Context, appID, endpointID string, req *inapp.EndpointRequest, needTZ bool) (string, *itemStatus, error) {
	accepted := &itemStatus{Message: acceptedMessage, StatusCode: statusAccepted}
	if !req.IsEmpty() {
		if err := validateEndpointID(endpointID); err != nil {
			return "", &itemStatus{Message: inapp.ErrorMessage(err), StatusCode: statusBadEvent}, nil
		}
		if err := validateEndpointRequest(req, "Endpoint."); err != nil {
			return "", &itemStatus{Message: inapp.ErrorMessage(err), StatusCode: statusBadEvent}, nil
		}
		if err := s.upsertEndpoints(ctx, appID, map[string]*inapp.EndpointRequest{endpointID: req}); err != nil {
			if inapp.ErrorCode(err) == inapp.EUNAVAIL {
				return "", nil, err
			}
			if inapp.ErrorCode(err) != inapp.EINVALID {
				s.Logger.Error("PutEvents: endpoint update failed", "app", appID, "endpoint", endpointID, "error", err)
			}
			return "", &itemStatus{Message: inapp.ErrorMessage(err), StatusCode: statusBadEvent}, nil
		}
	}
	if req.Demographic != nil && req.Demographic.Timezone != "" {
		return req.Demographic.Timezone, accepted, nil
	}
	if !needTZ {
		return "", accepted, nil
	}
	e, err := s.Store.GetEndpoint(ctx, appID, endpointID)
	if inapp.ErrorCode(err) == inapp.EUNAVAIL {
		return "", nil, err
	}
	if err != nil {
		return "", accepted, nil // unknown endpoint: its events still count, in UTC days
	}
	return e.Timezone(), accepted, nil
}

// eventRecord validates one event and prepares it for storage.
func eventRecord(appID, endpointID, eventID string, ev *inapp.Event, tz string) (*inapp.EventRecord, error) {
	if ev == nil {
		return nil, inapp.Errorf(inapp.EINVALID, "Event %s must be an object.", eventID)
	}
	if ev.EventType == "" {
		return nil, missing("EventType")
	}
	if ev.Timestamp == "" {
		return nil, missing("Timestamp")
	}
	t, err := inapp.ParseTime(ev.Timestamp)
	if err != nil {
		return nil, inapp.Errorf(inapp.EINVALID, "Timestamp: %v", err)
	}
	if n := len(ev.Attributes) + len(ev.Metrics); n > maxEventKeys {
		return nil, inapp.Errorf(inapp.EINVALID, "The event has %d attributes and metrics; the limit is %d.", n, maxEventKeys)
	}
	for k, v := range ev.Attributes {
		if k == "" || len(k) > maxEventAttrKeyLen {
			return nil, inapp.Errorf(inapp.EINVALID, "Attribute name %q must be 1 to %d characters long.", k, maxEventAttrKeyLen)
		}
		if len(v) > maxEventAttrValueLen {
			return nil, inapp.Errorf(inapp.EINVALID, "Attribute %s has a value of %d characters; the limit is %d.", k, len(v), maxEventAttrValueLen)
		}
	}
	for k := range ev.Metrics {
		if k == "" || len(k) > maxEventAttrKeyLen {
			return nil, inapp.Errorf(inapp.EINVALID, "Metric name %q must be 1 to %d characters long.", k, maxEventAttrKeyLen)
		}
	}
	if ss := ev.Session; ss != nil {
		if ss.ID == "" {
			return nil, missing("Session.Id")
		}
		if ss.StartTimestamp == "" {
			return nil, missing("Session.StartTimestamp")
		}
		if _, err := inapp.ParseTime(ss.StartTimestamp); err != nil {
			return nil, inapp.Errorf(inapp.EINVALID, "Session.StartTimestamp: %v", err)
		}
	}
	// Encoded here, in the request's goroutine, so that the single event
	// writer only writes; with go-json, which writes what encoding/json
	// does (FuzzPutEventsDecode), in a third of the time.
	doc, err := gojson.Marshal(ev)
	if err != nil {
		return nil, err
	}
	rec := &inapp.EventRecord{AppID: appID, EndpointID: endpointID, EventID: eventID, Event: ev, Time: t, Doc: doc}
	if ev.EventType == inapp.EventDisplayed && ev.Attributes[campaignIDAttribute] != "" {
		rec.CapDay = targeting.LocalDay(t, tz)
	}
	return rec, nil
}
