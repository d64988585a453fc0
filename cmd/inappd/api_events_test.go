package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

func TestPutEventsAccepted(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "events")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	putEndpoint(t, c, app, "d2", inAppEndpoint("u2", nil))
	now := time.Now()

	session := &types.Session{Id: aws.String("s1"), StartTimestamp: aws.String(isoTime(now.Add(-time.Minute))), Duration: aws.Int32(60000), StopTimestamp: aws.String(isoTime(now))}
	res := putEvents(t, c, app, map[string]types.EventsBatch{
		"d1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
			"e1": {EventType: aws.String("_session.start"), Timestamp: aws.String(isoTime(now)), Session: session},
			"e2": {EventType: aws.String("purchase"), Timestamp: aws.String(now.UTC().Format(time.RFC3339Nano)), Attributes: map[string]string{"sku": "a"}, Metrics: map[string]float64{"price": 9.5},
				AppPackageName: aws.String("com.example"), AppTitle: aws.String("Example"), AppVersionCode: aws.String("7"), ClientSdkVersion: aws.String("6.0"), SdkName: aws.String("aws-amplify")},
		}},
		"d2": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
			"e3": displayedEvent("c1", now),
		}},
	})
	wantEventStatus(t, res, "d1", "e1", 202)
	wantEventStatus(t, res, "d1", "e2", 202)
	wantEventStatus(t, res, "d2", "e3", 202)
	if n := len(res.Results); n != 2 {
		t.Errorf("Results has %d endpoints, want 2: %s", n, mustJSON(t, res))
	}

	// The raw answer: 202, {"Results":{…}} with integer StatusCodes.
	body := fmt.Sprintf(`{"BatchItem":{"d1":{"Endpoint":{},"Events":{"r1":{"EventType":"x","Timestamp":%q}}}}}`, isoTime(now))
	r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/events", []byte(body))
	wantRawStatus(t, r, 202)
	var raw struct {
		Results map[string]struct {
			EventsItemResponse map[string]struct {
				StatusCode json.Number
				Message    string
			}
		}
	}
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatalf("PutEvents body: %v: %s", err, r.Body)
	}
	if code := raw.Results["d1"].EventsItemResponse["r1"].StatusCode; code != "202" {
		t.Errorf("raw StatusCode = %q, want the number 202: %s", code, r.Body)
	}

	_, err := c.PutEvents(t.Context(), &pinpoint.PutEventsInput{ApplicationId: aws.String("no-such-app"), EventsRequest: &types.EventsRequest{BatchItem: map[string]types.EventsBatch{
		"d1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{"e": displayedEvent("c1", now)}},
	}}})
	wantNotFound(t, err)
}

func TestPutEventsPerEventErrors(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "bad-events")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))

	// Two campaigns with a total cap of 1: the good display counts, the bad
	// ones do not.
	capped := func(name string) string {
		req := campaignRequest(name, "", 1)
		req.Limits = &types.CampaignLimits{Total: aws.Int32(1)}
		return str(createCampaign(t, c, app, req).Id)
	}
	good, bad := capped("good"), capped("bad")
	now := time.Now().UTC()
	ev := func(campaign, typ, ts string) map[string]any {
		e := map[string]any{"Attributes": map[string]string{"campaign_id": campaign, "treatment_id": "0"}}
		if typ != "" {
			e["EventType"] = typ
		}
		if ts != "" {
			e["Timestamp"] = ts
		}
		return e
	}
	body := map[string]any{"BatchItem": map[string]any{"d1": map[string]any{
		"Endpoint": map[string]any{},
		"Events": map[string]any{
			"ok":           ev(good, "_inapp.message_displayed", now.Format("2006-01-02T15:04:05.000Z")),
			"no-timestamp": ev(bad, "_inapp.message_displayed", ""),
			"no-type":      ev(bad, "", now.Format(time.RFC3339)),
			"bad-time":     ev(bad, "_inapp.message_displayed", "yesterday at noon"),
			"bad-date":     ev(bad, "_inapp.message_displayed", "2026-02-30T10:00:00Z"),
		},
	}}}
	r := rawJSON(t, m, nil, "POST", "/v1/apps/"+app+"/events", body)
	wantRawStatus(t, r, 202)
	var res types.EventsResponse
	var raw struct {
		Results map[string]struct {
			EventsItemResponse map[string]struct {
				StatusCode int32
				Message    string
			}
		}
	}
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatalf("PutEvents body: %v: %s", err, r.Body)
	}
	res.Results = map[string]types.ItemResponse{}
	for ep, item := range raw.Results {
		ir := types.ItemResponse{EventsItemResponse: map[string]types.EventItemResponse{}}
		for id, e := range item.EventsItemResponse {
			ir.EventsItemResponse[id] = types.EventItemResponse{StatusCode: aws.Int32(e.StatusCode), Message: aws.String(e.Message)}
		}
		res.Results[ep] = ir
	}
	wantEventStatus(t, &res, "d1", "ok", 202)
	for _, id := range []string{"no-timestamp", "no-type", "bad-time", "bad-date"} {
		wantEventStatus(t, &res, "d1", id, 400)
	}

	msgs := deliveredIDs(t, c, app, "d1")
	if slices.Contains(msgs, good) {
		t.Errorf("the accepted display was not counted (Total 1 campaign still delivered)")
	}
	if !slices.Contains(msgs, bad) {
		t.Errorf("a rejected display was counted (campaign %s capped)", bad)
	}
}

func TestPutEventsBatchRejected(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	ctx := t.Context()
	app := createApp(t, c, "rejected-batch")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", map[string][]string{"a": {"1"}}))
	req := campaignRequest("capped", "", 1)
	req.Limits = &types.CampaignLimits{Total: aws.Int32(1)}
	id := str(createCampaign(t, c, app, req).Id)
	before := getEndpoint(t, c, app, "d1")
	now := time.Now()

	// 101 events in one request: rejected as a whole, nothing counted.
	events := map[string]types.Event{}
	for i := range 101 {
		events[fmt.Sprint("e", i)] = displayedEvent(id, now)
	}
	_, err := c.PutEvents(ctx, &pinpoint.PutEventsInput{ApplicationId: aws.String(app), EventsRequest: &types.EventsRequest{BatchItem: map[string]types.EventsBatch{
		"d1": {Endpoint: &types.PublicEndpoint{Attributes: map[string][]string{"a": {"changed"}}}, Events: events},
	}}})
	wantBadRequest(t, err)
	// Also across endpoints: 60 + 41.
	split := map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{}}, "d2": {Endpoint: &types.PublicEndpoint{ChannelType: types.ChannelTypeInApp}, Events: map[string]types.Event{}}}
	for i := range 101 {
		ep := "d1"
		if i >= 60 {
			ep = "d2"
		}
		split[ep].Events[fmt.Sprint("s", i)] = displayedEvent(id, now)
	}
	_, err = c.PutEvents(ctx, &pinpoint.PutEventsInput{ApplicationId: aws.String(app), EventsRequest: &types.EventsRequest{BatchItem: split}})
	wantBadRequest(t, err)
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Errorf("events of a rejected request were counted")
	}
	sameJSON(t, "endpoint after a rejected PutEvents", before, getEndpoint(t, c, app, "d1"))
	endpointMissing(t, c, app, "d2")

	// Exactly 100 is fine.
	hundred := map[string]types.Event{}
	for i := range 100 {
		hundred[fmt.Sprint("h", i)] = types.Event{EventType: aws.String("tick"), Timestamp: aws.String(isoTime(now))}
	}
	res := putEvents(t, c, app, map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{}, Events: hundred}})
	if n := len(res.Results["d1"].EventsItemResponse); n != 100 {
		t.Errorf("%d event results for 100 events", n)
	}

	for name, body := range map[string]string{
		"no BatchItem":           `{}`,
		"BatchItem not a map":    `{"BatchItem":[]}`,
		"Events not a map":       `{"BatchItem":{"d1":{"Endpoint":{},"Events":[]}}}`,
		"Timestamp as a number":  `{"BatchItem":{"d1":{"Endpoint":{},"Events":{"e":{"EventType":"x","Timestamp":1700000000}}}}}`,
		"metric value as string": `{"BatchItem":{"d1":{"Endpoint":{},"Events":{"e":{"EventType":"x","Timestamp":"2026-01-01T00:00:00Z","Metrics":{"m":"1"}}}}}}`,
		"malformed JSON":         `{"BatchItem":{"d1":`,
	} {
		r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/events", []byte(body))
		if r.Status != 400 {
			t.Errorf("PutEvents with %s: status %d, want 400; body %s", name, r.Status, r.Body)
			continue
		}
		wantRawError(t, r, "BadRequestException")
	}
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Errorf("events of rejected requests were counted")
	}
}

func TestPutEventsRetryIsIdempotent(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "retries")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	req := campaignRequest("twice", "", 1)
	req.Limits = &types.CampaignLimits{Total: aws.Int32(2), Daily: aws.Int32(2)}
	id := str(createCampaign(t, c, app, req).Id)
	now := time.Now()

	batch := map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
		"evt-1":   displayedEvent(id, now),
		"session": {EventType: aws.String("_session.start"), Timestamp: aws.String(isoTime(now))},
	}}}
	for range 3 {
		res := putEvents(t, c, app, batch)
		wantEventStatus(t, res, "d1", "evt-1", 202)
	}
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Fatalf("one display sent three times was counted more than once (cap 2 reached)")
	}
	displayed(t, c, app, "d1", id, "evt-2", now)
	if slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Errorf("campaign delivered after two distinct displays with a cap of 2")
	}

	// The same event ID from another endpoint is another event.
	putEndpoint(t, c, app, "d2", inAppEndpoint("u2", nil))
	displayed(t, c, app, "d2", id, "evt-1", now)
	if !slices.Contains(deliveredIDs(t, c, app, "d2"), id) {
		t.Errorf("d2 capped after one display")
	}
	displayed(t, c, app, "d2", id, "evt-2", now)
	if slices.Contains(deliveredIDs(t, c, app, "d2"), id) {
		t.Errorf("d2's displays were not counted because d1 used the same event IDs")
	}
}

func TestPutEventsEndpoint(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "endpoint-in-events")
	putEndpoint(t, c, app, "d1", &types.EndpointRequest{
		ChannelType: types.ChannelTypeInApp,
		Attributes:  map[string][]string{"plan": {"gold"}},
		Metrics:     map[string]float64{"m": 1},
		Demographic: &types.EndpointDemographic{Platform: aws.String("ios")},
		User:        &types.EndpointUser{UserId: aws.String("u1"), UserAttributes: map[string][]string{"x": {"y"}}},
	})
	before := getEndpoint(t, c, app, "d1")
	now := time.Now()
	tick := map[string]types.Event{"t": {EventType: aws.String("tick"), Timestamp: aws.String(isoTime(now))}}

	// Endpoint {} (what Amplify sends) leaves the endpoint alone.
	putEvents(t, c, app, map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{}, Events: tick}})
	after := getEndpoint(t, c, app, "d1")
	sameJSON(t, "Attributes after Endpoint {}", before.Attributes, after.Attributes)
	sameJSON(t, "Metrics after Endpoint {}", before.Metrics, after.Metrics)
	sameJSON(t, "Demographic after Endpoint {}", before.Demographic, after.Demographic)
	sameJSON(t, "User after Endpoint {}", before.User, after.User)
	if after.ChannelType != types.ChannelTypeInApp || str(after.CohortId) != str(before.CohortId) || str(after.OptOut) != str(before.OptOut) || str(after.EndpointStatus) != str(before.EndpointStatus) {
		t.Errorf("endpoint after Endpoint {} = %s, was %s", mustJSON(t, after), mustJSON(t, before))
	}
	// Raw, exactly as Amplify sends it.
	body := fmt.Sprintf(`{"BatchItem":{"d1":{"Endpoint":{},"Events":{"amp-1":{"EventType":"_session.start","Timestamp":%q,"Attributes":{},"Metrics":{},"Session":{"Id":"s","StartTimestamp":%q}}}}}}`,
		now.UTC().Format("2006-01-02T15:04:05.000Z"), now.UTC().Format("2006-01-02T15:04:05.000Z"))
	wantRawStatus(t, rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/events", []byte(body)), 202)
	after = getEndpoint(t, c, app, "d1")
	sameJSON(t, "Attributes after Amplify's PutEvents", before.Attributes, after.Attributes)
	sameJSON(t, "User after Amplify's PutEvents", before.User, after.User)

	// A non-empty PublicEndpoint updates an existing endpoint (merging)…
	putEvents(t, c, app, map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{Attributes: map[string][]string{"seen": {"yes"}}}, Events: tick}})
	sameJSON(t, "Attributes after a PublicEndpoint update", map[string][]string{"plan": {"gold"}, "seen": {"yes"}}, getEndpoint(t, c, app, "d1").Attributes)

	// …and creates a missing one.
	res := putEvents(t, c, app, map[string]types.EventsBatch{"new-device": {
		Endpoint: &types.PublicEndpoint{ChannelType: types.ChannelTypeInApp, Attributes: map[string][]string{"plan": {"silver"}}, User: &types.EndpointUser{UserId: aws.String("u9")}, Demographic: &types.EndpointDemographic{Platform: aws.String("android")}},
		Events:   tick,
	}})
	wantEventStatus(t, res, "new-device", "t", 202)
	created := getEndpoint(t, c, app, "new-device")
	if created.ChannelType != types.ChannelTypeInApp || str(created.User.UserId) != "u9" || created.Attributes["plan"][0] != "silver" || str(created.Demographic.Platform) != "android" {
		t.Errorf("endpoint created by PutEvents = %s", mustJSON(t, created))
	}
	if str(created.EndpointStatus) != "ACTIVE" || str(created.OptOut) != "NONE" || str(created.CohortId) == "" {
		t.Errorf("endpoint created by PutEvents: EndpointStatus %q OptOut %q CohortId %q", str(created.EndpointStatus), str(created.OptOut), str(created.CohortId))
	}
	// The new endpoint gets messages.
	cid := str(createCampaign(t, c, app, campaignRequest("for-all", "", 1)).Id)
	wantIDs(t, "campaigns for the endpoint created by PutEvents", deliveredIDs(t, c, app, "new-device"), []string{cid})

	// A bad PublicEndpoint is refused.
	r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/events", []byte(`{"BatchItem":{"d1":{"Endpoint":{"ChannelType":"PIGEON"},"Events":{"e":{"EventType":"x","Timestamp":"2026-01-01T00:00:00Z"}}}}}`))
	if r.Status == 202 {
		var out types.EventsResponse
		var raw struct {
			Results map[string]struct{ EndpointItemResponse struct{ StatusCode int } }
		}
		json.Unmarshal(r.Body, &raw)
		if raw.Results["d1"].EndpointItemResponse.StatusCode != 400 {
			t.Errorf("PutEvents with Endpoint ChannelType PIGEON: 202 and endpoint status %d, want 400 (%s)", raw.Results["d1"].EndpointItemResponse.StatusCode, r.Body)
		}
		_ = out
	} else {
		wantRawError(t, r, "BadRequestException")
	}
	if got := getEndpoint(t, c, app, "d1"); got.ChannelType != types.ChannelTypeInApp {
		t.Errorf("ChannelType = %q after a refused PublicEndpoint", got.ChannelType)
	}
}

func TestPutEventsTimestamps(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "timestamps")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	now := time.Now().UTC()

	// Every form a client sends: Amplify's toISOString, Go's RFC 3339,
	// boto3's isoformat() without a zone, an offset.
	forms := map[string]string{
		"amplify":      now.Format("2006-01-02T15:04:05.000Z"),
		"rfc3339":      now.Format(time.RFC3339),
		"nano":         now.Format(time.RFC3339Nano),
		"boto3-micros": now.Format("2006-01-02T15:04:05.000000"),
		"boto3-plain":  now.Format("2006-01-02T15:04:05"),
		"offset":       now.In(time.FixedZone("CEST", 2*3600)).Format("2006-01-02T15:04:05+02:00"),
	}
	events := map[string]any{}
	for id, ts := range forms {
		events[id] = map[string]any{"EventType": "tick", "Timestamp": ts}
	}
	r := rawJSON(t, m, nil, "POST", "/v1/apps/"+app+"/events", map[string]any{"BatchItem": map[string]any{"d1": map[string]any{"Endpoint": map[string]any{}, "Events": events}}})
	wantRawStatus(t, r, 202)
	var raw struct {
		Results map[string]struct {
			EventsItemResponse map[string]struct {
				StatusCode int
				Message    string
			}
		}
	}
	if err := json.Unmarshal(r.Body, &raw); err != nil {
		t.Fatalf("PutEvents body: %v", err)
	}
	for id, ts := range forms {
		if got := raw.Results["d1"].EventsItemResponse[id]; got.StatusCode != 202 {
			t.Errorf("Timestamp %q (%s): StatusCode %d %q, want 202", ts, id, got.StatusCode, got.Message)
		}
	}

	// A zoneless display timestamp counts toward the cap like any other.
	req := campaignRequest("capped", "", 1)
	req.Limits = &types.CampaignLimits{Daily: aws.Int32(1)}
	id := str(createCampaign(t, c, app, req).Id)
	ev := displayedEvent(id, now)
	ev.Timestamp = aws.String(now.Format("2006-01-02T15:04:05.000000"))
	res := putEvents(t, c, app, map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{"boto": ev}}})
	wantEventStatus(t, res, "d1", "boto", 202)
	if slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Errorf("a display with a boto3-style timestamp was not counted")
	}
}

func TestPutEventsMissingEndpoint(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "no-endpoint")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	req := campaignRequest("capped", "", 1)
	req.Limits = &types.CampaignLimits{Total: aws.Int32(1)}
	id := str(createCampaign(t, c, app, req).Id)

	// EventsBatch.Endpoint and Events are required; a batch without them
	// is refused, as a whole or per item, and counts nothing.
	ts := time.Now().UTC().Format(time.RFC3339)
	for name, body := range map[string]string{
		"no Endpoint": `{"BatchItem":{"d1":{"Events":{"e1":{"EventType":"_inapp.message_displayed","Timestamp":"` + ts + `","Attributes":{"campaign_id":"` + id + `"}}}}}}`,
		"no Events":   `{"BatchItem":{"d1":{"Endpoint":{}}}}`,
	} {
		r := rawCall(t, m, nil, "POST", "/v1/apps/"+app+"/events", []byte(body))
		switch r.Status {
		case 400:
			wantRawError(t, r, "BadRequestException")
		case 202:
			var raw struct {
				Results map[string]struct {
					EndpointItemResponse *struct{ StatusCode int }
					EventsItemResponse   map[string]struct{ StatusCode int }
				}
			}
			if err := json.Unmarshal(r.Body, &raw); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			item := raw.Results["d1"]
			rejected := item.EndpointItemResponse != nil && item.EndpointItemResponse.StatusCode == 400
			for _, e := range item.EventsItemResponse {
				rejected = rejected || e.StatusCode == 400
			}
			if !rejected {
				t.Errorf("%s: 202 with nothing marked 400: %s", name, r.Body)
			}
		default:
			t.Errorf("%s: status %d; body %s", name, r.Status, r.Body)
		}
	}
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Errorf("a display in a batch without Endpoint was counted")
	}
}

// TestPutEventsQuotas: the event quotas (quotas page): an attribute value
// over 200 characters drops the event; at most 40 attribute and metric
// keys per event; attribute keys up to 50 characters.
func TestPutEventsQuotas(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "event-quotas")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	now := time.Now()

	tooManyKeys := map[string]string{}
	for i := range 41 {
		tooManyKeys[fmt.Sprint("k", i)] = "v"
	}
	fortyKeys := map[string]string{}
	for i := range 40 {
		fortyKeys[fmt.Sprint("k", i)] = "v"
	}
	ev := func(attrs map[string]string) types.Event {
		return types.Event{EventType: aws.String("custom"), Timestamp: aws.String(isoTime(now)), Attributes: attrs}
	}
	res := putEvents(t, c, app, map[string]types.EventsBatch{"d1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
		"ok":         ev(map[string]string{"k": strings.Repeat("v", 200)}),
		"forty":      ev(fortyKeys),
		"long-value": ev(map[string]string{"k": strings.Repeat("v", 201)}),
		"many-keys":  ev(tooManyKeys),
		"long-key":   ev(map[string]string{strings.Repeat("k", 51): "v"}),
	}}})
	wantEventStatus(t, res, "d1", "ok", 202)
	wantEventStatus(t, res, "d1", "forty", 202)
	wantEventStatus(t, res, "d1", "long-value", 400)
	wantEventStatus(t, res, "d1", "many-keys", 400)
	wantEventStatus(t, res, "d1", "long-key", 400)
}

// TestPutEventsConcurrentCounting: displays sent at the same time (the
// writer commits many requests together) are each counted exactly once.
func TestPutEventsConcurrentCounting(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "concurrent")
	putEndpoint(t, c, app, "d1", inAppEndpoint("u1", nil))
	req := campaignRequest("thirty", "", 1)
	req.Limits = &types.CampaignLimits{Total: aws.Int32(30)}
	id := str(createCampaign(t, c, app, req).Id)
	now := time.Now()

	var wg sync.WaitGroup
	errs := make(chan error, 29)
	for i := range 29 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Every request also carries the display of request 0 again.
			events := map[string]types.Event{fmt.Sprint("c", i): displayedEvent(id, now), "c0": displayedEvent(id, now)}
			_, err := c.PutEvents(t.Context(), &pinpoint.PutEventsInput{ApplicationId: aws.String(app), EventsRequest: &types.EventsRequest{BatchItem: map[string]types.EventsBatch{
				"d1": {Endpoint: &types.PublicEndpoint{}, Events: events},
			}}})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent PutEvents: %v", err)
		}
	}
	if !slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Fatalf("campaign capped after 29 distinct displays with Total 30")
	}
	displayed(t, c, app, "d1", id, "c-last", now)
	if slices.Contains(deliveredIDs(t, c, app, "d1"), id) {
		t.Errorf("campaign still delivered after 30 distinct displays with Total 30 (a concurrent display was lost)")
	}
}
