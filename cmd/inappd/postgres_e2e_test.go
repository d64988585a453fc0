package main

// inappd on PostgreSQL, end to end: the same Main with --postgres set, a
// walk-through with aws-sdk-go-v2, and a second node on the same database.
//
// The rest of the e2e suite runs on PostgreSQL too with
// INAPPD_TEST_BACKEND=postgres (startServer calls useTestBackend): every
// server then gets a throwaway database of its own.

import (
	"errors"
	"net/http"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"

	"github.com/inappd/inappd/postgres/pgtest"
)

// useTestBackend points m at a throwaway PostgreSQL database when
// INAPPD_TEST_BACKEND=postgres; it leaves m on SQLite otherwise.
func useTestBackend(t testing.TB, m *Main) {
	t.Helper()
	switch b := os.Getenv("INAPPD_TEST_BACKEND"); b {
	case "", "sqlite":
	case "postgres":
		m.Config.Postgres = pgtest.NewDatabase(t)
	default:
		t.Fatalf("INAPPD_TEST_BACKEND=%q: want sqlite or postgres", b)
	}
}

// startPostgresNode starts a server on the PostgreSQL database at dsn, as
// startServer does on SQLite, with a data directory of its own (the root
// key comes from the environment, as on a real multi-node setup).
func startPostgresNode(t *testing.T, dsn string) *Main {
	t.Helper()
	m := newTestMain(t)
	m.Config.Postgres = dsn
	if err := m.Run(t.Context()); err != nil {
		t.Fatalf("start inappd on PostgreSQL: %v", err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Errorf("close inappd: %v", err)
		}
	})
	return m
}

func TestPostgresWalkthrough(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	m := startPostgresNode(t, dsn)
	ctx := t.Context()
	c := client(m, nil)

	if resp, err := http.Get(m.URL() + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", resp, err)
	}

	app := createApp(t, c, "shop")
	if _, err := c.CreateInAppTemplate(ctx, &pinpoint.CreateInAppTemplateInput{
		TemplateName: aws.String("welcome-pg"),
		InAppTemplateRequest: &types.InAppTemplateRequest{
			Layout: types.LayoutMiddleBanner,
			Content: []types.InAppMessageContent{{
				BackgroundColor: aws.String("#FFFFFF"),
				HeaderConfig:    &types.InAppMessageHeaderConfig{Alignment: types.AlignmentCenter, Header: aws.String("Welcome!"), TextColor: aws.String("#000000")},
				BodyConfig:      &types.InAppMessageBodyConfig{Alignment: types.AlignmentCenter, Body: aws.String("Have a look around."), TextColor: aws.String("#333333")},
				PrimaryBtn: &types.InAppMessageButton{DefaultConfig: &types.DefaultButtonConfiguration{
					ButtonAction: types.ButtonActionClose, Text: aws.String("OK"),
				}},
			}},
		},
	}); err != nil {
		t.Fatalf("CreateInAppTemplate: %v", err)
	}
	if _, err := c.UpdateEndpoint(ctx, &pinpoint.UpdateEndpointInput{
		ApplicationId: aws.String(app), EndpointId: aws.String("device-1"),
		EndpointRequest: &types.EndpointRequest{
			ChannelType: types.ChannelTypeInApp,
			User:        &types.EndpointUser{UserId: aws.String("u1"), UserAttributes: map[string][]string{"plan": {"gold"}}},
		},
	}); err != nil {
		t.Fatalf("UpdateEndpoint: %v", err)
	}
	seg, err := c.CreateSegment(ctx, &pinpoint.CreateSegmentInput{
		ApplicationId: aws.String(app),
		WriteSegmentRequest: &types.WriteSegmentRequest{
			Name: aws.String("gold"),
			Dimensions: &types.SegmentDimensions{UserAttributes: map[string]types.AttributeDimension{
				"plan": {AttributeType: types.AttributeTypeInclusive, Values: []string{"gold"}},
			}},
		},
	})
	if err != nil {
		t.Fatalf("CreateSegment: %v", err)
	}
	camp, err := c.CreateCampaign(ctx, &pinpoint.CreateCampaignInput{
		ApplicationId: aws.String(app),
		WriteCampaignRequest: &types.WriteCampaignRequest{
			Name:                  aws.String("welcome-gold"),
			SegmentId:             seg.SegmentResponse.Id,
			Priority:              aws.Int32(1),
			Limits:                &types.CampaignLimits{Daily: aws.Int32(1), Total: aws.Int32(5)},
			TemplateConfiguration: &types.TemplateConfiguration{InAppTemplate: &types.Template{Name: aws.String("welcome-pg")}},
			Schedule: &types.Schedule{
				StartTime: aws.String("IMMEDIATE"),
				Frequency: types.FrequencyInAppEvent,
				EventFilter: &types.CampaignEventFilter{
					FilterType: types.FilterTypeEndpoint,
					Dimensions: &types.EventDimensions{EventType: &types.SetDimension{
						DimensionType: types.DimensionTypeInclusive, Values: []string{"app_launched"},
					}},
				},
			},
		},
	})
	if err != nil {
		t.Fatalf("CreateCampaign: %v", err)
	}
	campaignID := aws.ToString(camp.CampaignResponse.Id)

	messages := func(m *Main) []types.InAppMessageCampaign {
		t.Helper()
		out, err := client(m, nil).GetInAppMessages(ctx, &pinpoint.GetInAppMessagesInput{
			ApplicationId: aws.String(app), EndpointId: aws.String("device-1"),
		})
		if err != nil {
			t.Fatalf("GetInAppMessages: %v", err)
		}
		return out.InAppMessagesResponse.InAppMessageCampaigns
	}
	got := messages(m)
	if len(got) != 1 || aws.ToString(got[0].CampaignId) != campaignID {
		t.Fatalf("GetInAppMessages before a display: %s, want campaign %s", mustJSON(t, got), campaignID)
	}
	if msg := got[0].InAppMessage; msg == nil || len(msg.Content) != 1 || aws.ToString(msg.Content[0].HeaderConfig.Header) != "Welcome!" {
		t.Errorf("GetInAppMessages message: %s", mustJSON(t, got[0].InAppMessage))
	}
	if aws.ToInt32(got[0].DailyCap) != 1 || aws.ToInt32(got[0].TotalCap) != 5 {
		t.Errorf("caps echoed: daily %d total %d, want 1 and 5", aws.ToInt32(got[0].DailyCap), aws.ToInt32(got[0].TotalCap))
	}

	// The app shows the message and says so; the answer comes once the
	// event is committed to PostgreSQL. A retry of the same event is
	// accepted again and counted once.
	for range 2 {
		out, err := c.PutEvents(ctx, &pinpoint.PutEventsInput{
			ApplicationId: aws.String(app),
			EventsRequest: &types.EventsRequest{BatchItem: map[string]types.EventsBatch{
				"device-1": {Endpoint: &types.PublicEndpoint{}, Events: map[string]types.Event{
					"shown-1": {
						EventType: aws.String("_inapp.message_displayed"),
						Timestamp: aws.String(time.Now().UTC().Format(time.RFC3339)),
						Attributes: map[string]string{
							"campaign_id": campaignID, "treatment_id": "0", "delivery_type": "IN_APP_MESSAGE",
						},
					},
				}},
			}},
		})
		if err != nil {
			t.Fatalf("PutEvents: %v", err)
		}
		if code := aws.ToInt32(out.EventsResponse.Results["device-1"].EventsItemResponse["shown-1"].StatusCode); code != 202 {
			t.Fatalf("PutEvents status %d: %s", code, mustJSON(t, out.EventsResponse))
		}
	}
	if got := messages(m); len(got) != 0 {
		t.Errorf("GetInAppMessages after the daily cap was reached: %s, want none", mustJSON(t, got))
	}

	// A second node on the same database gives the same answers: the
	// campaign and the cap counter live in PostgreSQL, not in a node.
	other := startPostgresNode(t, dsn)
	if got := messages(other); len(got) != 0 {
		t.Errorf("second node: GetInAppMessages after the cap: %s, want none", mustJSON(t, got))
	}
	apps, err := client(other, nil).GetApps(ctx, &pinpoint.GetAppsInput{})
	if err != nil {
		t.Fatalf("second node: GetApps: %v", err)
	}
	if ids := func() (ids []string) {
		for _, a := range apps.ApplicationsResponse.Item {
			ids = append(ids, aws.ToString(a.Id))
		}
		return
	}(); !slices.Equal(ids, []string{app}) {
		t.Errorf("second node: GetApps = %v, want [%s]", ids, app)
	}
}

// A server whose database goes away answers 503, never a wrong answer,
// and healthz says so.
func TestPostgresUnavailable(t *testing.T) {
	dsn := pgtest.NewDatabase(t)
	m := startPostgresNode(t, dsn)
	c := client(m, nil)
	createApp(t, c, "soon gone")

	// Drop the database under the running server (the test's cleanup
	// tolerates it being gone): every connection is cut, and new ones
	// are refused.
	pgtest.DropDatabase(t, dsn)

	resp, err := http.Get(m.URL() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("healthz without a database: %d, want 503", resp.StatusCode)
	}
	_, err = c.GetApps(t.Context(), &pinpoint.GetAppsInput{})
	if statusOfErr(err) != http.StatusServiceUnavailable {
		t.Errorf("GetApps without a database: %v, want a 503", err)
	}
}

// statusOfErr is the HTTP status of an SDK call's error (0 when it has none).
func statusOfErr(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}
