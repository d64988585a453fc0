package streams

import (
	"encoding/json"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestEventStreamRecord(t *testing.T) {
	dur := 60000
	ev := &inapp.Event{
		AppPackageName:   "com.example.shop",
		AppTitle:         "Shop",
		AppVersionCode:   "42",
		Attributes:       map[string]string{"campaign_id": "c1", "treatment_id": "0", "delivery_type": "IN_APP_MESSAGE"},
		ClientSdkVersion: "6.4.0",
		EventType:        inapp.EventDisplayed,
		Metrics:          map[string]float64{"price": 12.5},
		SdkName:          "aws-amplify",
		Session:          &inapp.Session{ID: "s-1", StartTimestamp: "2026-11-21T10:00:00.000Z", StopTimestamp: "2026-11-21T10:01:00Z", Duration: &dur},
		Timestamp:        "2026-11-21T10:00:30.250Z",
	}
	ep := &inapp.Endpoint{
		ID: "device-1", ChannelType: "IN_APP",
		Demographic: &inapp.Demographic{AppVersion: "1.4", Locale: "en_US", Make: "Google", Model: "Pixel 8", Platform: "android", PlatformVersion: "14", Timezone: "Europe/Paris"},
	}
	arrival := time.Date(2026, 11, 21, 10, 0, 31, 0, time.UTC)
	it := &inapp.OutboxItem{Seq: 7, EndpointID: "device-1", EventID: "e-1", Arrival: arrival, Event: mustJSON(t, ev), Endpoint: mustJSON(t, ep)}
	r, err := BuildRecord("app1", it)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"event_type":"_inapp.message_displayed","event_timestamp":1795255230250,"arrival_timestamp":1795255231000,"event_version":"3.1",` +
		`"application":{"app_id":"app1","package_name":"com.example.shop","title":"Shop","version_name":"1.4","version_code":"42","sdk":{"name":"aws-amplify","version":"6.4.0"}},` +
		`"client":{"client_id":"device-1"},` +
		`"device":{"locale":{"code":"en_US","country":"US","language":"en"},"make":"Google","model":"Pixel 8","platform":{"name":"android","version":"14"}},` +
		`"session":{"session_id":"s-1","start_timestamp":1795255200000,"stop_timestamp":1795255260000},` +
		`"attributes":{"campaign_id":"c1","delivery_type":"IN_APP_MESSAGE","treatment_id":"0"},"metrics":{"price":12.5},` +
		`"awsAccountId":"000000000000","event_id":"e-1"}`
	if got := string(mustJSON(t, r)); got != want {
		t.Errorf("record\n got: %s\nwant: %s", got, want)
	}

	// No endpoint stored, no session, no attributes: the objects are
	// still there (as in Pinpoint's records), empty.
	bare := &inapp.Event{EventType: "add_to_cart", Timestamp: "2026-11-21T10:00:00Z"}
	r, err = BuildRecord("app1", &inapp.OutboxItem{EndpointID: "d2", EventID: "e-2", Arrival: arrival, Event: mustJSON(t, bare)})
	if err != nil {
		t.Fatal(err)
	}
	want = `{"event_type":"add_to_cart","event_timestamp":1795255200000,"arrival_timestamp":1795255231000,"event_version":"3.1",` +
		`"application":{"app_id":"app1","sdk":{}},"client":{"client_id":"d2"},"device":{"platform":{}},"session":{},` +
		`"attributes":{},"metrics":{},"awsAccountId":"000000000000","event_id":"e-2"}`
	if got := string(mustJSON(t, r)); got != want {
		t.Errorf("bare record\n got: %s\nwant: %s", got, want)
	}

	if _, err := BuildRecord("app1", &inapp.OutboxItem{EventID: "bad", Event: []byte("{not json")}); err == nil {
		t.Errorf("BuildRecord of a damaged document: no error")
	}
}

func TestEventStreamLocale(t *testing.T) {
	for code, want := range map[string]RecordLocale{
		"en_US":      {Code: "en_US", Language: "en", Country: "US"},
		"fr-fr":      {Code: "fr-fr", Language: "fr", Country: "FR"},
		"de":         {Code: "de", Language: "de"},
		"zh_Hant_TW": {Code: "zh_Hant_TW", Language: "zh", Country: "TW"},
	} {
		if got := locale(code); got == nil || *got != want {
			t.Errorf("locale(%q) = %+v, want %+v", code, got, want)
		}
	}
	if locale("") != nil {
		t.Errorf("locale(\"\") is not nil")
	}
}
