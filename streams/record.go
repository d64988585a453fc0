package streams

import (
	"encoding/json"
	"fmt"
	"strings"

	inapp "github.com/inappd/inappd"
)

// Record is one event as Pinpoint streamed app events (its "app event"
// format, event_version 3.1): what a destination receives, one JSON
// object per event. In-app events (_inapp.message_displayed, …) are app
// events whose attributes carry campaign_id and treatment_id, as the
// client reported them.
//
// event_id is inappd's addition (Pinpoint's records have none): the ID
// the event was reported with, unique per (application.app_id,
// client.client_id), so that a receiver can drop the copies an
// at-least-once delivery may bring.
type Record struct {
	EventType        string             `json:"event_type"`
	EventTimestamp   int64              `json:"event_timestamp"`
	ArrivalTimestamp int64              `json:"arrival_timestamp"`
	EventVersion     string             `json:"event_version"`
	Application      RecordApplication  `json:"application"`
	Client           RecordClient       `json:"client"`
	Device           RecordDevice       `json:"device"`
	Session          RecordSession      `json:"session"`
	Attributes       map[string]string  `json:"attributes"`
	Metrics          map[string]float64 `json:"metrics"`
	AWSAccountID     string             `json:"awsAccountId"`
	EventID          string             `json:"event_id"`
}

type RecordApplication struct {
	AppID       string    `json:"app_id"`
	PackageName string    `json:"package_name,omitempty"`
	Title       string    `json:"title,omitempty"`
	VersionName string    `json:"version_name,omitempty"`
	VersionCode string    `json:"version_code,omitempty"`
	SDK         RecordSDK `json:"sdk"`
}

type RecordSDK struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

// RecordClient names the endpoint that reported the event.
type RecordClient struct {
	ClientID string `json:"client_id"`
}

type RecordDevice struct {
	Locale   *RecordLocale  `json:"locale,omitempty"`
	Make     string         `json:"make,omitempty"`
	Model    string         `json:"model,omitempty"`
	Platform RecordPlatform `json:"platform"`
}

type RecordLocale struct {
	Code     string `json:"code"`
	Country  string `json:"country,omitempty"`
	Language string `json:"language,omitempty"`
}

type RecordPlatform struct {
	Name    string `json:"name,omitempty"`
	Version string `json:"version,omitempty"`
}

type RecordSession struct {
	SessionID      string `json:"session_id,omitempty"`
	StartTimestamp int64  `json:"start_timestamp,omitempty"`
	StopTimestamp  int64  `json:"stop_timestamp,omitempty"`
}

// EventVersion is the version of the record format, as Pinpoint's current
// records give it.
const EventVersion = "3.1"

// BuildRecord makes the stream record of a queued event from the stored
// event document and the endpoint's stored document (nil when the
// endpoint does not exist): device details come from its Demographic, as
// it is when the record is built.
func BuildRecord(appID string, it *inapp.OutboxItem) (*Record, error) {
	var ev inapp.Event
	if err := json.Unmarshal(it.Event, &ev); err != nil {
		return nil, fmt.Errorf("stored event %s of endpoint %s: %w", it.EventID, it.EndpointID, err)
	}
	r := &Record{
		EventType:        ev.EventType,
		EventTimestamp:   millis(ev.Timestamp),
		ArrivalTimestamp: it.Arrival.UnixMilli(),
		EventVersion:     EventVersion,
		Application: RecordApplication{
			AppID:       appID,
			PackageName: ev.AppPackageName,
			Title:       ev.AppTitle,
			VersionCode: ev.AppVersionCode,
			SDK:         RecordSDK{Name: ev.SdkName, Version: ev.ClientSdkVersion},
		},
		Client:       RecordClient{ClientID: it.EndpointID},
		Attributes:   ev.Attributes,
		Metrics:      ev.Metrics,
		AWSAccountID: inapp.Account,
		EventID:      it.EventID,
	}
	if r.Attributes == nil {
		r.Attributes = map[string]string{}
	}
	if r.Metrics == nil {
		r.Metrics = map[string]float64{}
	}
	if ev.Session != nil {
		r.Session = RecordSession{
			SessionID:      ev.Session.ID,
			StartTimestamp: millis(ev.Session.StartTimestamp),
			StopTimestamp:  millis(ev.Session.StopTimestamp),
		}
	}
	if it.Endpoint != nil {
		var ep inapp.Endpoint
		if err := json.Unmarshal(it.Endpoint, &ep); err != nil {
			return nil, fmt.Errorf("stored endpoint %s: %w", it.EndpointID, err)
		}
		if d := ep.Demographic; d != nil {
			r.Application.VersionName = d.AppVersion
			r.Device = RecordDevice{
				Locale:   locale(d.Locale),
				Make:     d.Make,
				Model:    d.Model,
				Platform: RecordPlatform{Name: d.Platform, Version: d.PlatformVersion},
			}
		}
	}
	return r, nil
}

// millis is an ISO 8601 time as Unix milliseconds, 0 when absent (the
// API validated the times it stored).
func millis(s string) int64 {
	if s == "" {
		return 0
	}
	t, err := inapp.ParseTime(s)
	if err != nil {
		return 0
	}
	return t.UnixMilli()
}

// locale splits a locale code ("en_US", "en-US", "fr") into Pinpoint's
// language and country.
func locale(code string) *RecordLocale {
	if code == "" {
		return nil
	}
	l := &RecordLocale{Code: code}
	lang, country, _ := strings.Cut(strings.ReplaceAll(code, "-", "_"), "_")
	l.Language = strings.ToLower(lang)
	if country != "" {
		// "zh_Hant_TW": the region is the last part.
		if i := strings.LastIndexByte(country, '_'); i >= 0 {
			country = country[i+1:]
		}
		l.Country = strings.ToUpper(country)
	}
	return l
}
