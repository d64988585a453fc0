package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// fakeSource is the engine's storage collaborator, in memory.
type fakeSource struct {
	settings  inapp.AppSettings
	campaigns []*inapp.Campaign
	segments  []*inapp.Segment
	endpoint  *inapp.Endpoint
	counts    map[string]inapp.CapCount
	builds    int
}

func (f *fakeSource) GetAppSettings(context.Context, string) (*inapp.AppSettings, error) {
	f.builds++
	s := f.settings
	return &s, nil
}
func (f *fakeSource) AllCampaigns(context.Context, string) ([]*inapp.Campaign, error) {
	return f.campaigns, nil
}
func (f *fakeSource) AllSegments(context.Context, string) ([]*inapp.Segment, error) {
	return f.segments, nil
}
func (f *fakeSource) GetSegment(_ context.Context, _, id string, version int) (*inapp.Segment, error) {
	for _, s := range f.segments {
		if s.ID == id && (version == 0 || version == s.Version) {
			return s, nil
		}
	}
	return nil, inapp.Errorf(inapp.ENOTFOUND, "no segment %s", id)
}
func (f *fakeSource) GetTemplate(context.Context, string, string) (*inapp.Template, error) {
	return nil, inapp.Errorf(inapp.ENOTFOUND, "no templates here")
}
func (f *fakeSource) GetEndpoint(_ context.Context, _, id string) (*inapp.Endpoint, error) {
	if f.endpoint == nil || f.endpoint.ID != id {
		return nil, inapp.Errorf(inapp.ENOTFOUND, "no endpoint %s", id)
	}
	return f.endpoint, nil
}
func (f *fakeSource) CapCounts(context.Context, string, string, string) (map[string]inapp.CapCount, error) {
	return f.counts, nil
}
func (f *fakeSource) EndpointActivity(context.Context, string, string) (time.Time, error) {
	return time.Time{}, nil
}

var now = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)

func campaign(id string, priority int, end string, limits *inapp.CampaignLimits) *inapp.Campaign {
	return &inapp.Campaign{
		ID: id, ApplicationID: "app", CreationDate: "2026-11-01T00:00:00.000Z", Priority: priority, Limits: limits,
		Schedule: &inapp.Schedule{StartTime: "IMMEDIATE", EndTime: end},
		MessageConfiguration: &inapp.MessageConfiguration{InAppMessage: &inapp.CampaignInAppMessage{
			Layout:  "TOP_BANNER",
			Content: []*inapp.InAppMessageContent{{BodyConfig: &inapp.InAppMessageBodyConfig{Alignment: "LEFT", Body: "hello " + id, TextColor: "#000"}}},
		}},
	}
}

func inAppEndpoint(id string) *inapp.Endpoint {
	return &inapp.Endpoint{ID: id, ChannelType: "IN_APP", EndpointStatus: "ACTIVE", OptOut: "NONE",
		Attributes: map[string][]string{"plan": {"gold"}}, Demographic: &inapp.Demographic{Platform: "web"}}
}

func campaignIDs(t *testing.T, body []byte) []string {
	t.Helper()
	var answer struct {
		InAppMessageCampaigns []inapp.InAppMessageCampaign
	}
	if err := json.Unmarshal(body, &answer); err != nil {
		t.Fatalf("answer is not JSON: %v\n%s", err, body)
	}
	var ids []string
	for _, c := range answer.InAppMessageCampaigns {
		ids = append(ids, c.CampaignID)
	}
	return ids
}

func TestPriorityOrderAndCaps(t *testing.T) {
	one, two := 1, 2
	src := &fakeSource{
		campaigns: []*inapp.Campaign{
			campaign("none", 0, "", nil),
			campaign("p3", 3, "", nil),
			campaign("p1-late", 1, "2026-12-31T00:00:00Z", nil),
			campaign("p1-early", 1, "2026-12-01T00:00:00Z", nil),
			campaign("capped", 2, "", &inapp.CampaignLimits{Daily: &one}),
			campaign("ended", 1, "2026-11-20T00:00:00Z", nil),
			campaign("total", 2, "", &inapp.CampaignLimits{Total: &two}),
		},
		endpoint: inAppEndpoint("e1"),
		counts:   map[string]inapp.CapCount{"capped": {Total: 1, Day: 1}, "total": {Total: 1}},
	}
	e := New(src, &inapp.FixedClock{T: now}, nil)
	body, err := e.InAppMessages(context.Background(), "app", "e1")
	if err != nil {
		t.Fatal(err)
	}
	got := fmt.Sprint(campaignIDs(t, body))
	want := "[p1-early p1-late total p3 none]" // lower first, earlier end first, 0 last; capped and ended left out
	if got != want {
		t.Errorf("campaigns = %s, want %s", got, want)
	}

	// The snapshot is reused until invalidated.
	builds := src.builds
	e.InAppMessages(context.Background(), "app", "e1")
	if src.builds != builds {
		t.Errorf("snapshot rebuilt without a write")
	}
	e.Invalidate("app")
	e.InAppMessages(context.Background(), "app", "e1")
	if src.builds != builds+1 {
		t.Errorf("snapshot not rebuilt after Invalidate")
	}
}

func TestAtMostTenAndNotInApp(t *testing.T) {
	src := &fakeSource{endpoint: inAppEndpoint("e1")}
	for i := range 12 {
		src.campaigns = append(src.campaigns, campaign(fmt.Sprintf("c%02d", i), i+1, "", nil))
	}
	e := New(src, &inapp.FixedClock{T: now}, nil)
	body, _ := e.InAppMessages(context.Background(), "app", "e1")
	if ids := campaignIDs(t, body); len(ids) != MaxMessages || ids[0] != "c00" || ids[9] != "c09" {
		t.Errorf("campaigns = %v, want c00..c09", ids)
	}
	src.endpoint.ChannelType = "EMAIL"
	e.Invalidate("app")
	body, _ = e.InAppMessages(context.Background(), "app", "e1")
	if string(body) != string(emptyAnswer) {
		t.Errorf("an EMAIL endpoint got %s", body)
	}
	if body, _ := e.InAppMessages(context.Background(), "app", "unknown"); string(body) != string(emptyAnswer) {
		t.Errorf("an unknown endpoint got %s", body)
	}
}

// BenchmarkInAppMessages evaluates one endpoint against 1,000 campaigns,
// each with its own 3-dimension segment (the scale), with the
// storage reads answered from memory: what remains is the engine's work.
func BenchmarkInAppMessages(b *testing.B) {
	src := &fakeSource{endpoint: inAppEndpoint("e1"), counts: map[string]inapp.CapCount{}}
	plans := []string{"gold", "silver", "free"}
	for i := range 1000 {
		seg := &inapp.Segment{ID: fmt.Sprintf("s%d", i), ApplicationID: "app", Version: 1, SegmentType: "DIMENSIONAL",
			Dimensions: &inapp.SegmentDimensions{
				Attributes:     map[string]*inapp.AttributeDimension{"plan": {AttributeType: "INCLUSIVE", Values: []string{plans[i%3]}}},
				Demographic:    &inapp.SegmentDemographics{Platform: &inapp.SetDimension{Values: []string{"web", "ios"}}},
				UserAttributes: map[string]*inapp.AttributeDimension{"tier": {AttributeType: "EXCLUSIVE", Values: []string{"banned"}}},
			}}
		src.segments = append(src.segments, seg)
		c := campaign(fmt.Sprintf("c%d", i), i%5+1, "", nil)
		c.SegmentID, c.SegmentVersion = seg.ID, 1
		src.campaigns = append(src.campaigns, c)
	}
	e := New(src, &inapp.FixedClock{T: now}, nil)
	ctx := context.Background()
	body, err := e.InAppMessages(ctx, "app", "e1")
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(len(body)), "answer-bytes")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.InAppMessages(ctx, "app", "e1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSnapshotBuild measures a rebuild after an admin write for 1,000
// campaigns (the target: 50 ms).
func BenchmarkSnapshotBuild(b *testing.B) {
	src := &fakeSource{endpoint: inAppEndpoint("e1")}
	for i := range 1000 {
		src.campaigns = append(src.campaigns, campaign(fmt.Sprintf("c%d", i), i%5+1, "", nil))
	}
	ctx := context.Background()
	for b.Loop() {
		if _, err := build(ctx, src, "app", now, nil); err != nil {
			b.Fatal(err)
		}
	}
}
