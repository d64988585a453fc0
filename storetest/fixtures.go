package storetest

import (
	"strconv"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// The fixtures fill in many members, nested ones and pointers to zero
// values included, so that a backend that drops or reshapes any part of a
// document fails the round-trip checks.

func intp(v int) *int           { return &v }
func floatp(v float64) *float64 { return &v }
func boolp(v bool) *bool        { return &v }

// created is when the fixtures say they were created.
const created = "2025-03-04T05:06:07.890Z"

// newApp creates an app with a fresh ID.
func newApp(t *testing.T, s inapp.Store) *inapp.App {
	t.Helper()
	app := appDoc(inapp.NewID(), "My app")
	must(t, "CreateApp", s.CreateApp(t.Context(), app))
	return app
}

func appDoc(id, name string) *inapp.App {
	return &inapp.App{
		Arn:          inapp.AppArn(id),
		ID:           id,
		Name:         name,
		Tags:         map[string]string{"team": "growth", "env": "prod"},
		CreationDate: created,
	}
}

func appID(a *inapp.App) string { return a.ID }

func settingsDoc(appID string) *inapp.AppSettings {
	return &inapp.AppSettings{
		ApplicationID:            appID,
		CampaignHook:             &inapp.CampaignHook{Mode: "FILTER", WebUrl: "https://hooks.example.com/x"},
		LastModifiedDate:         created,
		Limits:                   &inapp.CampaignLimits{Daily: intp(3), Total: intp(0), Session: intp(1)},
		QuietTime:                &inapp.QuietTime{Start: "22:00", End: "07:00"},
		JourneyLimits:            &inapp.JourneyLimits{DailyCap: intp(2), TimeframeCap: &inapp.JourneyTimeframeCap{Cap: intp(5), Days: intp(7)}},
		CloudWatchMetricsEnabled: boolp(false),
		EventTaggingEnabled:      boolp(true),
	}
}

func endpointDoc(appID, id, userID string) *inapp.Endpoint {
	e := &inapp.Endpoint{
		Address:       "device-token-" + id,
		ApplicationID: appID,
		Attributes:    map[string][]string{"interests": {"shoes", "hats"}, "plan": {"pro"}},
		ChannelType:   "IN_APP",
		CohortID:      "42",
		CreationDate:  created,
		Demographic: &inapp.Demographic{
			AppVersion: "1.2.3", Locale: "fr_FR", Make: "Apple", Model: "iPhone",
			ModelVersion: "15", Platform: "ios", PlatformVersion: "17.1", Timezone: "Europe/Paris",
		},
		EffectiveDate:  created,
		EndpointStatus: "ACTIVE",
		ID:             id,
		Location: &inapp.Location{
			City: "Paris", Country: "FRA", Latitude: floatp(48.8566), Longitude: floatp(0),
			PostalCode: "75001", Region: "IDF",
		},
		Metrics:   map[string]float64{"sessions": 12, "spend": 0.5},
		OptOut:    "NONE",
		RequestID: "req-1",
	}
	if userID != "" {
		e.User = &inapp.EndpointUser{UserID: userID, UserAttributes: map[string][]string{"tier": {"gold"}}}
	}
	return e
}

func endpointID(e *inapp.Endpoint) string { return e.ID }

func segmentDoc(appID, id string, version int, name string) *inapp.Segment {
	return &inapp.Segment{
		ApplicationID:    appID,
		Arn:              inapp.SegmentArn(appID, id),
		CreationDate:     created,
		ID:               id,
		LastModifiedDate: created,
		Name:             name,
		SegmentType:      "DIMENSIONAL",
		Tags:             map[string]string{"owner": "ana"},
		Version:          version,
		Dimensions: &inapp.SegmentDimensions{
			Attributes: map[string]*inapp.AttributeDimension{
				"plan": {AttributeType: "INCLUSIVE", Values: []string{"pro", "team"}},
			},
			Behavior: &inapp.SegmentBehaviors{Recency: &inapp.RecencyDimension{Duration: "DAY_7", RecencyType: "ACTIVE"}},
			Demographic: &inapp.SegmentDemographics{
				Platform:   &inapp.SetDimension{DimensionType: "INCLUSIVE", Values: []string{"ios", "android"}},
				AppVersion: &inapp.SetDimension{Values: []string{}},
			},
			Location: &inapp.SegmentLocation{
				Country: &inapp.SetDimension{DimensionType: "EXCLUSIVE", Values: []string{"USA"}},
				GPSPoint: &inapp.GPSPointDimension{
					Coordinates:       &inapp.GPSCoordinates{Latitude: floatp(48.85), Longitude: floatp(0)},
					RangeInKilometers: floatp(10.5),
				},
			},
			Metrics: map[string]*inapp.MetricDimension{
				"sessions": {ComparisonOperator: "GREATER_THAN_OR_EQUAL", Value: floatp(0)},
			},
			UserAttributes: map[string]*inapp.AttributeDimension{
				"tier": {AttributeType: "CONTAINS", Values: []string{"gol"}},
			},
		},
		SegmentGroups: &inapp.SegmentGroupList{
			Include: "ALL",
			Groups: []*inapp.SegmentGroup{{
				Type:           "ANY",
				SourceType:     "ALL",
				SourceSegments: []*inapp.SegmentReference{{ID: "base", Version: intp(2)}, {ID: "other"}},
				Dimensions:     []*inapp.SegmentDimensions{{Metrics: map[string]*inapp.MetricDimension{"spend": {ComparisonOperator: "LESS_THAN", Value: floatp(5)}}}},
			}},
		},
	}
}

func inAppContent(text string) []*inapp.InAppMessageContent {
	return []*inapp.InAppMessageContent{
		{
			BackgroundColor: "#FFFFFF",
			BodyConfig:      &inapp.InAppMessageBodyConfig{Alignment: "LEFT", Body: "Body " + text, TextColor: "#000000"},
			HeaderConfig:    &inapp.InAppMessageHeaderConfig{Alignment: "CENTER", Header: "Header " + text, TextColor: "#111111"},
			ImageUrl:        "https://cdn.example.com/" + text + ".png",
			PrimaryBtn: &inapp.InAppMessageButton{
				DefaultConfig: &inapp.DefaultButtonConfiguration{
					BackgroundColor: "#0000FF", BorderRadius: intp(0), ButtonAction: "LINK",
					Link: "https://example.com/buy", Text: "Buy", TextColor: "#FFFFFF",
				},
				IOS:     &inapp.OverrideButtonConfiguration{ButtonAction: "DEEP_LINK", Link: "app://buy"},
				Android: &inapp.OverrideButtonConfiguration{ButtonAction: "CLOSE"},
			},
			SecondaryBtn: &inapp.InAppMessageButton{
				DefaultConfig: &inapp.DefaultButtonConfiguration{ButtonAction: "CLOSE", Text: "Later"},
				Web:           &inapp.OverrideButtonConfiguration{ButtonAction: "LINK", Link: "https://example.com"},
			},
		},
		{BodyConfig: &inapp.InAppMessageBodyConfig{Alignment: "RIGHT", Body: "Second card", TextColor: "#222222"}},
	}
}

func campaignDoc(appID, id string, version int, name string) *inapp.Campaign {
	return &inapp.Campaign{
		ApplicationID:    appID,
		Arn:              inapp.CampaignArn(appID, id),
		CreationDate:     created,
		Description:      "Spring sale",
		HoldoutPercent:   10,
		Hook:             &inapp.CampaignHook{LambdaFunctionName: "fn", Mode: "DELIVERY"},
		ID:               id,
		IsPaused:         false,
		LastModifiedDate: created,
		Limits:           &inapp.CampaignLimits{Daily: intp(2), Total: intp(5), Session: intp(0), MessagesPerSecond: intp(50)},
		MessageConfiguration: &inapp.MessageConfiguration{
			DefaultMessage: map[string]any{"Body": "hello", "Nested": map[string]any{"n": 1.5, "list": []any{"a", true}}},
			InAppMessage: &inapp.CampaignInAppMessage{
				Body:         "legacy body",
				Content:      inAppContent(name),
				CustomConfig: map[string]string{"deeplink": "app://sale"},
				Layout:       "BOTTOM_BANNER",
			},
		},
		Name:     name,
		Priority: 2,
		Schedule: &inapp.Schedule{
			EndTime: "2030-01-01T00:00:00.000Z",
			EventFilter: &inapp.CampaignEventFilter{
				FilterType: "SYSTEM",
				Dimensions: &inapp.EventDimensions{
					EventType:  &inapp.SetDimension{DimensionType: "INCLUSIVE", Values: []string{"purchase"}},
					Attributes: map[string]*inapp.AttributeDimension{"sku": {AttributeType: "INCLUSIVE", Values: []string{"x1"}}},
					Metrics:    map[string]*inapp.MetricDimension{"price": {ComparisonOperator: "GREATER_THAN", Value: floatp(9.99)}},
				},
			},
			Frequency:   "IN_APP_EVENT",
			IsLocalTime: boolp(false),
			QuietTime:   &inapp.QuietTime{Start: "23:00", End: "06:00"},
			StartTime:   "IMMEDIATE",
			Timezone:    "UTC+01",
		},
		SegmentID:      "segment-1",
		SegmentVersion: 3,
		State:          &inapp.CampaignState{CampaignStatus: inapp.StatusScheduled},
		Tags:           map[string]string{"quarter": "q2"},
		AdditionalTreatments: []*inapp.Treatment{{
			ID:                    "1",
			SizePercent:           45,
			State:                 &inapp.CampaignState{CampaignStatus: inapp.StatusScheduled},
			TemplateConfiguration: &inapp.TemplateConfiguration{InAppTemplate: &inapp.TemplateRef{Name: "promo", Version: "2"}},
			TreatmentName:         "B",
		}},
		TreatmentDescription: "main",
		TreatmentName:        "A",
		Version:              version,
	}
}

func templateDoc(name, text string) *inapp.Template {
	return &inapp.Template{
		Arn:                 inapp.TemplateArn(name),
		Content:             inAppContent(text),
		CreationDate:        created,
		CustomConfig:        map[string]string{"k": text},
		LastModifiedDate:    created,
		Layout:              "MIDDLE_BANNER",
		Tags:                map[string]string{"brand": "acme"},
		TemplateDescription: "description " + text,
		TemplateName:        name,
		TemplateType:        "INAPP",
	}
}

func templateVersion(t *inapp.Template) string { return t.Version }

// base is the time the event fixtures happen around.
var base = time.Date(2025, 6, 1, 12, 0, 0, 123456789, time.UTC)

// eventRecord builds a PutEvents record of the given type, at base plus
// the given seconds. A non-empty campaign sets the campaign_id attribute.
func eventRecord(appID, endpointID, eventID, eventType, campaign, capDay string, second int) *inapp.EventRecord {
	at := base.Add(time.Duration(second) * time.Second)
	e := &inapp.Event{
		AppPackageName:   "com.example.app",
		AppTitle:         "Example",
		AppVersionCode:   "123",
		Attributes:       map[string]string{"treatment_id": "0"},
		ClientSdkVersion: "6.0.0",
		EventType:        eventType,
		Metrics:          map[string]float64{"n": float64(second)},
		SdkName:          "aws-amplify",
		Session:          &inapp.Session{ID: "s-" + strconv.Itoa(second), StartTimestamp: inapp.FormatTime(base), Duration: intp(0)},
		Timestamp:        inapp.FormatTime(at),
	}
	if campaign != "" {
		e.Attributes["campaign_id"] = campaign
	}
	return &inapp.EventRecord{AppID: appID, EndpointID: endpointID, EventID: eventID, Event: e, Time: at, CapDay: capDay}
}

func accessKeyDoc(id, appID string) *inapp.AccessKey {
	return &inapp.AccessKey{
		ID:           id,
		Secret:       "secret-" + id,
		AppID:        appID,
		Description:  "key " + id,
		CreationDate: created,
	}
}

func keyID(k *inapp.AccessKey) string { return k.ID }
