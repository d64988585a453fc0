package inapp

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestSizeBound(t *testing.T) {
	lat := 48.8566
	for _, e := range []*Endpoint{
		{},
		{ID: "x", ChannelType: "IN_APP", Attributes: map[string][]string{"a": {"<&>\u0001", ""}}, Metrics: map[string]float64{"m": -1.2345678901234567e-300}},
		{ID: strings.Repeat("<", 300), Address: strings.Repeat("\u2028", 100), Location: &Location{Latitude: &lat, Longitude: &lat, City: "é"},
			Demographic: &Demographic{Make: "\x00\x01"}, User: &EndpointUser{UserID: "u", UserAttributes: map[string][]string{"k": {"\"\\"}}}},
	} {
		b, _ := json.Marshal(e)
		if bound := e.SizeBound(); bound < len(b) {
			t.Errorf("SizeBound %d < encoded size %d: %s", bound, len(b), b)
		}
	}
	big := &Endpoint{ID: "big", Attributes: map[string][]string{}}
	for i := range 200 {
		big.Attributes[strings.Repeat("k", 40)+string(rune('A'+i%26))+string(rune('a'+i/26))] = []string{strings.Repeat("v", 100)}
	}
	if err := big.CheckSize(); err == nil || !strings.Contains(err.Error(), "the limit is 15 KB") {
		t.Errorf("CheckSize of a %d-byte endpoint: %v", big.SizeBound(), err)
	}
	if err := (&Endpoint{ID: "small"}).CheckSize(); err != nil {
		t.Error(err)
	}
}
