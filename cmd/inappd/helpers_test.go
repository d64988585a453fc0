package main

// Helpers shared by the api_*_test.go files: raw SigV4-signed requests for
// what the SDK cannot express, error assertions that check the whole
// Pinpoint error format, and small fixtures (apps, endpoints, campaigns).

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
	smithy "github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	inapp "github.com/inappd/inappd"
)

const (
	testRegion  = "us-east-1"
	testService = "mobiletargeting"
)

// errorStatus is the HTTP status of every Pinpoint error shape (notes §2.3).
var errorStatus = map[string]int{
	"BadRequestException":          400,
	"ForbiddenException":           403,
	"NotFoundException":            404,
	"MethodNotAllowedException":    405,
	"ConflictException":            409,
	"PayloadTooLargeException":     413,
	"TooManyRequestsException":     429,
	"InternalServerErrorException": 500,
}

// ---------------------------------------------------------------------------
// Raw HTTP

type rawResponse struct {
	Status int
	Header http.Header
	Body   []byte
}

// object parses the body as a JSON object.
func (r rawResponse) object(t testing.TB) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.Body, &v); err != nil {
		t.Fatalf("response body is not a JSON object (%v): %q", err, r.Body)
	}
	return v
}

func newRawRequest(t testing.TB, m *Main, method, path string, body []byte) *http.Request {
	t.Helper()
	req, err := http.NewRequest(method, m.URL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("new request %s %s: %v", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	return req
}

// signAt signs req as aws-sdk-go-v2 does, for service mobiletargeting.
func signAt(t testing.TB, req *http.Request, key *inapp.AccessKey, body []byte, at time.Time) {
	t.Helper()
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: key.ID, SecretAccessKey: key.Secret}
	if err := v4.NewSigner().SignHTTP(t.Context(), creds, req, hex.EncodeToString(sum[:]), testService, testRegion, at.UTC()); err != nil {
		t.Fatalf("sign request: %v", err)
	}
}

func doRaw(t testing.TB, req *http.Request) rawResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read body of %s %s: %v", req.Method, req.URL, err)
	}
	return rawResponse{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// rawCall sends a request signed with key (the root key when nil). path is
// sent as given, so labels must already be percent-encoded. A nil body
// sends no body and no Content-Type.
func rawCall(t testing.TB, m *Main, key *inapp.AccessKey, method, path string, body []byte) rawResponse {
	t.Helper()
	if key == nil {
		key = m.RootKey
	}
	req := newRawRequest(t, m, method, path, body)
	signAt(t, req, key, body, time.Now())
	return doRaw(t, req)
}

// rawJSON is rawCall with v encoded as the JSON body.
func rawJSON(t testing.TB, m *Main, key *inapp.AccessKey, method, path string, v any) rawResponse {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("encode body: %v", err)
	}
	return rawCall(t, m, key, method, path, b)
}

// unsignedCall sends a request with no signature at all.
func unsignedCall(t testing.TB, m *Main, method, path string, body []byte) rawResponse {
	t.Helper()
	return doRaw(t, newRawRequest(t, m, method, path, body))
}

// escapeLabel percent-encodes a path label the way the AWS SDKs do
// (":" → %3A, "/" → %2F).
func escapeLabel(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), ":", "%3A")
}

// wantRawStatus fails unless r has the given status.
func wantRawStatus(t testing.TB, r rawResponse, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Body)
	}
}

// wantRawError checks the whole error format: status, X-Amzn-ErrorType,
// x-amzn-RequestId, Content-Type and a JSON body {"Message","RequestID"}.
// It returns the body.
func wantRawError(t testing.TB, r rawResponse, shape string) map[string]any {
	t.Helper()
	if want := errorStatus[shape]; r.Status != want {
		t.Errorf("status = %d, want %d (%s); body %s", r.Status, want, shape, r.Body)
	}
	if got := r.Header.Get("X-Amzn-ErrorType"); got != shape {
		t.Errorf("X-Amzn-ErrorType = %q, want %q", got, shape)
	}
	reqID := r.Header.Get("x-amzn-RequestId")
	if reqID == "" {
		t.Errorf("no x-amzn-RequestId header on the error")
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	body := r.object(t)
	if msg, _ := body["Message"].(string); msg == "" {
		t.Errorf("error body has no Message: %s", r.Body)
	}
	if id, _ := body["RequestID"].(string); id == "" {
		t.Errorf("error body has no RequestID: %s", r.Body)
	} else if reqID != "" && id != reqID {
		t.Errorf("body RequestID %q differs from the x-amzn-RequestId header %q", id, reqID)
	}
	for _, k := range []string{"code", "Code"} {
		if v, ok := body[k]; ok && v != shape {
			t.Errorf("error body has %q = %v, which clients take as the error code", k, v)
		}
	}
	return body
}

// ---------------------------------------------------------------------------
// SDK results and errors

// statusOf is the HTTP status of a successful SDK call.
func statusOf(t testing.TB, md middleware.Metadata) int {
	t.Helper()
	resp, ok := awsmiddleware.GetRawResponse(md).(*smithyhttp.Response)
	if !ok {
		t.Fatalf("no raw response in the result metadata")
	}
	return resp.StatusCode
}

func wantStatus(t testing.TB, md middleware.Metadata, status int) {
	t.Helper()
	if got := statusOf(t, md); got != status {
		t.Errorf("HTTP status = %d, want %d", got, status)
	}
}

// checkErrorResponse checks the raw response behind an SDK error: status,
// X-Amzn-ErrorType and x-amzn-RequestId.
func checkErrorResponse(t testing.TB, err error, shape string) {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Errorf("error carries no HTTP response: %v", err)
		return
	}
	if want := errorStatus[shape]; re.HTTPStatusCode() != want {
		t.Errorf("HTTP status = %d, want %d for %s", re.HTTPStatusCode(), want, shape)
	}
	if got := re.Response.Header.Get("X-Amzn-ErrorType"); got != shape {
		t.Errorf("X-Amzn-ErrorType = %q, want %q", got, shape)
	}
	if re.Response.Header.Get("x-amzn-RequestId") == "" {
		t.Errorf("no x-amzn-RequestId header on %s", shape)
	}
}

// wantErr fails unless err is a *T (e.g. types.BadRequestException) with a
// non-empty Message, sent with the right status and headers.
func wantErr[T any, PT interface {
	*T
	smithy.APIError
}](t testing.TB, err error) PT {
	t.Helper()
	var target PT
	name := reflect.TypeFor[T]().Name()
	if err == nil {
		t.Fatalf("want %s, got success", name)
	}
	if !errors.As(err, &target) {
		t.Fatalf("want %s, got %T: %v", name, err, err)
	}
	if target.ErrorMessage() == "" {
		t.Errorf("%s has an empty Message", name)
	}
	checkErrorResponse(t, err, name)
	return target
}

// wantBadRequest is the common case.
func wantBadRequest(t testing.TB, err error) *types.BadRequestException {
	t.Helper()
	return wantErr[types.BadRequestException](t, err)
}

func wantNotFound(t testing.TB, err error) *types.NotFoundException {
	t.Helper()
	return wantErr[types.NotFoundException](t, err)
}

func wantForbidden(t testing.TB, err error) *types.ForbiddenException {
	t.Helper()
	return wantErr[types.ForbiddenException](t, err)
}

// wantErrCode is for operations that model no errors (the tag operations):
// the SDK returns a generic API error carrying the code.
func wantErrCode(t testing.TB, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want %s, got success", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want API error %s, got %T: %v", code, err, err)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code = %q, want %q (%v)", ae.ErrorCode(), code, err)
	}
	if ae.ErrorMessage() == "" {
		t.Errorf("%s has an empty message", code)
	}
	checkErrorResponse(t, err, code)
}

// wantRejected accepts any of the given shapes: for a reference to a
// missing resource inside a request body, BadRequest and NotFound are both
// defensible.
func wantRejected(t testing.TB, err error, shapes ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("want one of %v, got success", shapes)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("want one of %v, got %T: %v", shapes, err, err)
	}
	if !slices.Contains(shapes, ae.ErrorCode()) {
		t.Fatalf("error code = %q, want one of %v (%v)", ae.ErrorCode(), shapes, err)
	}
	if ae.ErrorMessage() == "" {
		t.Errorf("%s has an empty message", ae.ErrorCode())
	}
	checkErrorResponse(t, err, ae.ErrorCode())
}

// mustJSON renders v for comparisons and messages.
func mustJSON(t testing.TB, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return string(b)
}

// sameJSON fails when a and b encode differently: used to prove that a
// rejected request changed nothing.
func sameJSON(t testing.TB, what string, before, after any) {
	t.Helper()
	if a, b := mustJSON(t, before), mustJSON(t, after); a != b {
		t.Errorf("%s changed:\nbefore %s\nafter  %s", what, a, b)
	}
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func i32(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// isoTime is how the tests write times: ISO 8601 UTC with a Z.
func isoTime(at time.Time) string { return at.UTC().Format("2006-01-02T15:04:05Z") }

// wantISOTime fails unless s is an ISO 8601 timestamp.
func wantISOTime(t testing.TB, field, s string) {
	t.Helper()
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		t.Errorf("%s = %q is not an ISO 8601 time: %v", field, s, err)
	}
}

// ---------------------------------------------------------------------------
// Fixtures

func createApp(t testing.TB, c *pinpoint.Client, name string) string {
	t.Helper()
	out, err := c.CreateApp(t.Context(), &pinpoint.CreateAppInput{
		CreateApplicationRequest: &types.CreateApplicationRequest{Name: aws.String(name)},
	})
	if err != nil {
		t.Fatalf("CreateApp %s: %v", name, err)
	}
	return str(out.ApplicationResponse.Id)
}

// createClientKey creates an app client key through the extension
// endpoint and checks its answer.
func createClientKey(t testing.TB, m *Main, appID string) *inapp.AccessKey {
	t.Helper()
	r := rawJSON(t, m, nil, "POST", "/inappd/v1/apps/"+appID+"/keys", map[string]string{"Description": "test device key"})
	wantRawStatus(t, r, 201)
	var k struct {
		AccessKeyId, SecretAccessKey, ApplicationId, CreationDate string
	}
	if err := json.Unmarshal(r.Body, &k); err != nil {
		t.Fatalf("CreateClientKey body: %v: %s", err, r.Body)
	}
	if k.AccessKeyId == "" || k.SecretAccessKey == "" || k.CreationDate == "" {
		t.Fatalf("CreateClientKey answered an incomplete key: %s", r.Body)
	}
	if k.ApplicationId != appID {
		t.Fatalf("CreateClientKey ApplicationId = %q, want %q", k.ApplicationId, appID)
	}
	return &inapp.AccessKey{ID: k.AccessKeyId, Secret: k.SecretAccessKey, AppID: k.ApplicationId}
}

// inAppEndpoint is what Amplify registers: an IN_APP endpoint, no address.
func inAppEndpoint(userID string, attrs map[string][]string) *types.EndpointRequest {
	req := &types.EndpointRequest{ChannelType: types.ChannelTypeInApp, Attributes: attrs}
	if userID != "" {
		req.User = &types.EndpointUser{UserId: aws.String(userID)}
	}
	return req
}

func putEndpoint(t testing.TB, c *pinpoint.Client, app, id string, req *types.EndpointRequest) {
	t.Helper()
	if _, err := c.UpdateEndpoint(t.Context(), &pinpoint.UpdateEndpointInput{
		ApplicationId: aws.String(app), EndpointId: aws.String(id), EndpointRequest: req,
	}); err != nil {
		t.Fatalf("UpdateEndpoint %s: %v", id, err)
	}
}

func getEndpoint(t testing.TB, c *pinpoint.Client, app, id string) *types.EndpointResponse {
	t.Helper()
	out, err := c.GetEndpoint(t.Context(), &pinpoint.GetEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetEndpoint %s: %v", id, err)
	}
	return out.EndpointResponse
}

// endpointMissing fails unless GetEndpoint answers NotFound.
func endpointMissing(t testing.TB, c *pinpoint.Client, app, id string) {
	t.Helper()
	_, err := c.GetEndpoint(t.Context(), &pinpoint.GetEndpointInput{ApplicationId: aws.String(app), EndpointId: aws.String(id)})
	if err == nil {
		t.Fatalf("endpoint %s exists, want none", id)
	}
	wantNotFound(t, err)
}

// card is one content card of an in-app message.
func card(header string) types.InAppMessageContent {
	return types.InAppMessageContent{
		BackgroundColor: aws.String("#FFFFFF"),
		HeaderConfig:    &types.InAppMessageHeaderConfig{Alignment: types.AlignmentCenter, Header: aws.String(header), TextColor: aws.String("#000000")},
		BodyConfig:      &types.InAppMessageBodyConfig{Alignment: types.AlignmentLeft, Body: aws.String("body of " + header), TextColor: aws.String("#333333")},
		ImageUrl:        aws.String("https://example.com/" + url.PathEscape(header) + ".png"),
		PrimaryBtn: &types.InAppMessageButton{
			DefaultConfig: &types.DefaultButtonConfiguration{ButtonAction: types.ButtonActionLink, Text: aws.String("Open"), Link: aws.String("https://example.com"), BorderRadius: aws.Int32(4), BackgroundColor: aws.String("#0000FF"), TextColor: aws.String("#FFFFFF")},
			IOS:           &types.OverrideButtonConfiguration{ButtonAction: types.ButtonActionDeepLink, Link: aws.String("shop://home")},
		},
		SecondaryBtn: &types.InAppMessageButton{
			DefaultConfig: &types.DefaultButtonConfiguration{ButtonAction: types.ButtonActionClose, Text: aws.String("Close")},
		},
	}
}

func inAppMessageConfig(header string) *types.MessageConfiguration {
	return &types.MessageConfiguration{InAppMessage: &types.CampaignInAppMessage{
		Layout:       types.LayoutMiddleBanner,
		Content:      []types.InAppMessageContent{card(header)},
		CustomConfig: map[string]string{"header": header},
	}}
}

func eventFilter(events ...string) *types.CampaignEventFilter {
	return &types.CampaignEventFilter{
		FilterType: types.FilterTypeSystem,
		Dimensions: &types.EventDimensions{EventType: &types.SetDimension{DimensionType: types.DimensionTypeInclusive, Values: events}},
	}
}

func immediateSchedule() *types.Schedule {
	return &types.Schedule{StartTime: aws.String("IMMEDIATE"), Frequency: types.FrequencyInAppEvent, EventFilter: eventFilter("app_open")}
}

// campaignRequest is an in-app campaign with an inline message whose first
// card's header is header; segmentID "" targets every endpoint.
func campaignRequest(name, segmentID string, priority int32) *types.WriteCampaignRequest {
	req := &types.WriteCampaignRequest{
		Name:                 aws.String(name),
		Priority:             aws.Int32(priority),
		MessageConfiguration: inAppMessageConfig(name),
		Schedule:             immediateSchedule(),
	}
	if segmentID != "" {
		req.SegmentId = aws.String(segmentID)
	}
	return req
}

func createCampaign(t testing.TB, c *pinpoint.Client, app string, req *types.WriteCampaignRequest) *types.CampaignResponse {
	t.Helper()
	out, err := c.CreateCampaign(t.Context(), &pinpoint.CreateCampaignInput{ApplicationId: aws.String(app), WriteCampaignRequest: req})
	if err != nil {
		t.Fatalf("CreateCampaign %s: %v", str(req.Name), err)
	}
	return out.CampaignResponse
}

func getCampaign(t testing.TB, c *pinpoint.Client, app, id string) *types.CampaignResponse {
	t.Helper()
	out, err := c.GetCampaign(t.Context(), &pinpoint.GetCampaignInput{ApplicationId: aws.String(app), CampaignId: aws.String(id)})
	if err != nil {
		t.Fatalf("GetCampaign %s: %v", id, err)
	}
	return out.CampaignResponse
}

func createSegment(t testing.TB, c *pinpoint.Client, app string, req *types.WriteSegmentRequest) *types.SegmentResponse {
	t.Helper()
	out, err := c.CreateSegment(t.Context(), &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: req})
	if err != nil {
		t.Fatalf("CreateSegment %s: %v", str(req.Name), err)
	}
	return out.SegmentResponse
}

// attrSegment is a segment of the endpoints whose attribute key has one of
// values.
func attrSegment(name, key string, values ...string) *types.WriteSegmentRequest {
	return &types.WriteSegmentRequest{
		Name: aws.String(name),
		Dimensions: &types.SegmentDimensions{Attributes: map[string]types.AttributeDimension{
			key: {AttributeType: types.AttributeTypeInclusive, Values: values},
		}},
	}
}

func createTemplate(t testing.TB, c *pinpoint.Client, name string, req *types.InAppTemplateRequest) {
	t.Helper()
	if _, err := c.CreateInAppTemplate(t.Context(), &pinpoint.CreateInAppTemplateInput{TemplateName: aws.String(name), InAppTemplateRequest: req}); err != nil {
		t.Fatalf("CreateInAppTemplate %s: %v", name, err)
	}
}

func templateRequest(headers ...string) *types.InAppTemplateRequest {
	req := &types.InAppTemplateRequest{Layout: types.LayoutCarousel, CustomConfig: map[string]string{"k": "v"}, TemplateDescription: aws.String("a template")}
	for _, h := range headers {
		req.Content = append(req.Content, card(h))
	}
	return req
}

// inAppMessages calls GetInAppMessages with c.
func inAppMessages(t testing.TB, c *pinpoint.Client, app, endpoint string) []types.InAppMessageCampaign {
	t.Helper()
	out, err := c.GetInAppMessages(t.Context(), &pinpoint.GetInAppMessagesInput{ApplicationId: aws.String(app), EndpointId: aws.String(endpoint)})
	if err != nil {
		t.Fatalf("GetInAppMessages %s: %v", endpoint, err)
	}
	return out.InAppMessagesResponse.InAppMessageCampaigns
}

func campaignIDs(msgs []types.InAppMessageCampaign) []string {
	ids := []string{}
	for _, m := range msgs {
		ids = append(ids, str(m.CampaignId))
	}
	return ids
}

// deliveredIDs is campaignIDs(inAppMessages(...)).
func deliveredIDs(t testing.TB, c *pinpoint.Client, app, endpoint string) []string {
	t.Helper()
	return campaignIDs(inAppMessages(t, c, app, endpoint))
}

// firstHeader is the header of a delivered message's first card.
func firstHeader(m types.InAppMessageCampaign) string {
	if m.InAppMessage == nil || len(m.InAppMessage.Content) == 0 || m.InAppMessage.Content[0].HeaderConfig == nil {
		return ""
	}
	return str(m.InAppMessage.Content[0].HeaderConfig.Header)
}

func findMessage(msgs []types.InAppMessageCampaign, campaignID string) *types.InAppMessageCampaign {
	for i := range msgs {
		if str(msgs[i].CampaignId) == campaignID {
			return &msgs[i]
		}
	}
	return nil
}

func putEvents(t testing.TB, c *pinpoint.Client, app string, batch map[string]types.EventsBatch) *types.EventsResponse {
	t.Helper()
	out, err := c.PutEvents(t.Context(), &pinpoint.PutEventsInput{ApplicationId: aws.String(app), EventsRequest: &types.EventsRequest{BatchItem: batch}})
	if err != nil {
		t.Fatalf("PutEvents: %v", err)
	}
	wantStatus(t, out.ResultMetadata, 202)
	return out.EventsResponse
}

// displayedEvent is the event Amplify sends when it shows a message.
func displayedEvent(campaignID string, at time.Time) types.Event {
	return types.Event{
		EventType: aws.String("_inapp.message_displayed"),
		Timestamp: aws.String(at.UTC().Format("2006-01-02T15:04:05.000Z")),
		Attributes: map[string]string{
			"campaign_id": campaignID, "treatment_id": "0", "delivery_type": "IN_APP_MESSAGE",
		},
		Session: &types.Session{Id: aws.String("session-1"), StartTimestamp: aws.String(isoTime(at.Add(-time.Minute)))},
	}
}

// displayed reports that endpoint was shown campaignID (event eventID, at
// the given time) and checks that the event was accepted.
func displayed(t testing.TB, c *pinpoint.Client, app, endpoint, campaignID, eventID string, at time.Time) {
	t.Helper()
	res := putEvents(t, c, app, map[string]types.EventsBatch{
		endpoint: {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{eventID: displayedEvent(campaignID, at)}},
	})
	wantEventStatus(t, res, endpoint, eventID, 202)
}

func wantEventStatus(t testing.TB, res *types.EventsResponse, endpoint, eventID string, status int32) {
	t.Helper()
	item, ok := res.Results[endpoint]
	if !ok {
		t.Fatalf("PutEvents Results has no entry for endpoint %q: %s", endpoint, mustJSON(t, res))
	}
	ev, ok := item.EventsItemResponse[eventID]
	if !ok {
		t.Fatalf("PutEvents Results[%q].EventsItemResponse has no entry for event %q: %s", endpoint, eventID, mustJSON(t, res))
	}
	if i32(ev.StatusCode) != status {
		t.Errorf("event %s: StatusCode = %d (%s), want %d", eventID, i32(ev.StatusCode), str(ev.Message), status)
	}
	if status != 202 && str(ev.Message) == "" {
		t.Errorf("event %s: rejected without a Message", eventID)
	}
}

// ids makes n names prefix-0 … prefix-(n-1).
func ids(prefix string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = prefix + "-" + strconv.Itoa(i)
	}
	return out
}

func wantIDs(t testing.TB, what string, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func wantSameSet(t testing.TB, what string, got, want []string) {
	t.Helper()
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	if !slices.Equal(g, w) {
		t.Errorf("%s = %v, want (in any order) %v", what, got, want)
	}
}
