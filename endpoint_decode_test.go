package inapp

import (
	"encoding/json"
	"reflect"
	"testing"
)

// DecodeEndpoint must read back exactly what encoding/json wrote: every
// member, escapes, unicode, numbers, empty and absent maps.
func TestDecodeEndpointMatchesEncodingJSON(t *testing.T) {
	lat, lon := 48.8566, 2.3522
	cases := []*Endpoint{
		{},
		{ID: "e1", ChannelType: "IN_APP"},
		{
			ID: "ep-\"quoted\"\\/é☃", ApplicationID: "app", Address: "addr\n\t\u2028", ChannelType: "IN_APP",
			CohortID: "42", CreationDate: "2026-11-01T10:00:00.000Z", EffectiveDate: "2026-11-01T10:00:00.000Z",
			EndpointStatus: "ACTIVE", OptOut: "NONE", RequestID: "r",
			Attributes: map[string][]string{"plan": {"pro"}, "empty": {}, "ünï": {"a", "b<>&"}},
			Metrics:    map[string]float64{"n": 3, "neg": -1.5e-7, "big": 1e21, "zero": 0},
			Demographic: &Demographic{AppVersion: "1", Locale: "en_US", Make: "m", Model: "x",
				ModelVersion: "2", Platform: "ios", PlatformVersion: "17", Timezone: "Europe/Paris"},
			Location: &Location{City: "Paris", Country: "FR", Latitude: &lat, Longitude: &lon, PostalCode: "75001", Region: "IDF"},
			User:     &EndpointUser{UserID: "u", UserAttributes: map[string][]string{"tier": {"gold"}}},
		},
	}
	for _, want := range cases {
		doc, err := json.Marshal(want)
		if err != nil {
			t.Fatal(err)
		}
		got, err := DecodeEndpoint(string(doc))
		if err != nil {
			t.Fatalf("DecodeEndpoint(%s): %v", doc, err)
		}
		var std Endpoint
		if err := json.Unmarshal(doc, &std); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, &std) {
			t.Errorf("DecodeEndpoint(%s)\n got %+v\nwant %+v", doc, got, &std)
		}
	}
	if _, err := DecodeEndpoint(`{"Id":`); err == nil {
		t.Error("DecodeEndpoint of a truncated document: no error")
	}
}
