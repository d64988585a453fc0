package targeting

import (
	"encoding/json"
	"testing"

	inapp "github.com/inappd/inappd"
)

func filter(t testing.TB, js string) *inapp.CampaignEventFilter {
	t.Helper()
	var f inapp.CampaignEventFilter
	if err := json.Unmarshal([]byte(js), &f); err != nil {
		t.Fatalf("bad test JSON %s: %v", js, err)
	}
	return &f
}

func TestValidateEventFilter(t *testing.T) {
	tests := []struct{ name, filter, want string }{
		{"seed", `{"Dimensions":{"EventType":{"DimensionType":"INCLUSIVE","Values":["app_launched"]}},"FilterType":"ENDPOINT"}`, ""},
		{"as AWS returns it (no FilterType)", `{"Dimensions":{"Attributes":{},"EventType":{"DimensionType":"INCLUSIVE","Values":["_session.start"]},"Metrics":{}}}`, ""},
		{"attributes and metrics", `{"FilterType":"SYSTEM","Dimensions":{"EventType":{"Values":["buy"]},"Attributes":{"sku":{"AttributeType":"EXCLUSIVE","Values":["a"]}},"Metrics":{"price":{"ComparisonOperator":"LESS_THAN","Value":0}}}}`, ""},
		{"unknown FilterType", `{"FilterType":"APP","Dimensions":{"EventType":{"Values":["x"]}}}`,
			`Schedule.EventFilter.FilterType: "APP" is not one of SYSTEM, ENDPOINT`},
		{"no Dimensions", `{"FilterType":"ENDPOINT"}`,
			`Schedule.EventFilter.Dimensions: required; give EventType and, if needed, Attributes and Metrics`},
		{"EventType DimensionType", `{"Dimensions":{"EventType":{"DimensionType":"INCLUDE","Values":["x"]}}}`,
			`Schedule.EventFilter.Dimensions.EventType.DimensionType: "INCLUDE" is not one of INCLUSIVE, EXCLUSIVE`},
		{"EventType without Values", `{"Dimensions":{"EventType":{"DimensionType":"INCLUSIVE"}}}`,
			`Schedule.EventFilter.Dimensions.EventType.Values: required; give at least one value`},
		{"attribute type", `{"Dimensions":{"EventType":{"Values":["x"]},"Attributes":{"sku":{"AttributeType":"IN","Values":["a"]}}}}`,
			`Schedule.EventFilter.Dimensions.Attributes.sku.AttributeType: "IN" is not one of INCLUSIVE, EXCLUSIVE, CONTAINS, BEFORE, AFTER, ON, BETWEEN`},
		{"attribute without Values", `{"Dimensions":{"EventType":{"Values":["x"]},"Attributes":{"sku":{"AttributeType":"INCLUSIVE"}}}}`,
			`Schedule.EventFilter.Dimensions.Attributes.sku.Values: required; give at least one value`},
		{"metric operator", `{"Dimensions":{"EventType":{"Values":["x"]},"Metrics":{"price":{"ComparisonOperator":"LT","Value":1}}}}`,
			`Schedule.EventFilter.Dimensions.Metrics.price.ComparisonOperator: "LT" is not one of GREATER_THAN, LESS_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN_OR_EQUAL, EQUAL`},
		{"metric without Value", `{"Dimensions":{"EventType":{"Values":["x"]},"Metrics":{"price":{"ComparisonOperator":"EQUAL"}}}}`,
			`Schedule.EventFilter.Dimensions.Metrics.price.Value: required; give a number`},
		{"metric null", `{"Dimensions":{"EventType":{"Values":["x"]},"Metrics":{"price":null}}}`,
			`Schedule.EventFilter.Dimensions.Metrics.price: is null; give ComparisonOperator and Value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, ValidateEventFilter(filter(t, tt.filter), "Schedule.EventFilter"), tt.want)
		})
	}
	checkErr(t, ValidateEventFilter(nil, "Schedule.EventFilter"), "")
}

func TestMatchEvent(t *testing.T) {
	const buy = `{"FilterType":"ENDPOINT","Dimensions":{"EventType":{"DimensionType":"INCLUSIVE","Values":["purchase","checkout"]},
		"Attributes":{"sku":{"AttributeType":"INCLUSIVE","Values":["A1","B2"]}},
		"Metrics":{"price":{"ComparisonOperator":"GREATER_THAN_OR_EQUAL","Value":10}}}}`
	tests := []struct {
		name    string
		filter  string
		event   string
		attrs   map[string]string
		metrics map[string]float64
		want    bool
	}{
		{"all match", buy, "purchase", map[string]string{"sku": "A1", "extra": "x"}, map[string]float64{"price": 10}, true},
		{"other listed event", buy, "checkout", map[string]string{"sku": "B2"}, map[string]float64{"price": 99}, true},
		{"event not listed", buy, "view", map[string]string{"sku": "A1"}, map[string]float64{"price": 10}, false},
		{"event name is case-sensitive", buy, "Purchase", map[string]string{"sku": "A1"}, map[string]float64{"price": 10}, false},
		{"attribute value not listed", buy, "purchase", map[string]string{"sku": "C3"}, map[string]float64{"price": 10}, false},
		{"attribute value is case-sensitive", buy, "purchase", map[string]string{"sku": "a1"}, map[string]float64{"price": 10}, false},
		{"attribute missing", buy, "purchase", map[string]string{"other": "A1"}, map[string]float64{"price": 10}, false},
		{"no attributes at all", buy, "purchase", nil, map[string]float64{"price": 10}, false},
		{"metric too low", buy, "purchase", map[string]string{"sku": "A1"}, map[string]float64{"price": 9.99}, false},
		{"metric missing", buy, "purchase", map[string]string{"sku": "A1"}, nil, false},
		{"event type only", `{"Dimensions":{"EventType":{"Values":["_session.start"]},"Attributes":{},"Metrics":{}}}`, "_session.start", nil, nil, true},
		{"event type only, other event", `{"Dimensions":{"EventType":{"Values":["_session.start"]}}}`, "_session.stop", nil, nil, false},
		{"exclusive event type", `{"Dimensions":{"EventType":{"DimensionType":"EXCLUSIVE","Values":["_session.start"]}}}`, "purchase", nil, nil, true},
		{"exclusive event type, excluded", `{"Dimensions":{"EventType":{"DimensionType":"EXCLUSIVE","Values":["_session.start"]}}}`, "_session.start", nil, nil, false},
		{"exclusive attribute", `{"Dimensions":{"EventType":{"Values":["e"]},"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":["free"]}}}}`, "e", map[string]string{"plan": "pro"}, nil, true},
		{"exclusive attribute, excluded", `{"Dimensions":{"EventType":{"Values":["e"]},"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":["free"]}}}}`, "e", map[string]string{"plan": "free"}, nil, false},
		{"exclusive attribute, absent", `{"Dimensions":{"EventType":{"Values":["e"]},"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":["free"]}}}}`, "e", nil, nil, true},
		{"contains compares as inclusive (Amplify)", `{"Dimensions":{"EventType":{"Values":["e"]},"Attributes":{"q":{"AttributeType":"CONTAINS","Values":["sho"]}}}}`, "e", map[string]string{"q": "shoes"}, nil, false},
		{"metric 0 compares (unlike Amplify)", `{"Dimensions":{"EventType":{"Values":["e"]},"Metrics":{"n":{"ComparisonOperator":"EQUAL","Value":0}}}}`, "e", nil, map[string]float64{"n": 0}, true},
		{"metric GREATER_THAN", `{"Dimensions":{"EventType":{"Values":["e"]},"Metrics":{"n":{"ComparisonOperator":"GREATER_THAN","Value":1}}}}`, "e", nil, map[string]float64{"n": 1}, false},
		{"metric LESS_THAN", `{"Dimensions":{"EventType":{"Values":["e"]},"Metrics":{"n":{"ComparisonOperator":"LESS_THAN","Value":1}}}}`, "e", nil, map[string]float64{"n": 0.5}, true},
		{"metric LESS_THAN_OR_EQUAL", `{"Dimensions":{"EventType":{"Values":["e"]},"Metrics":{"n":{"ComparisonOperator":"LESS_THAN_OR_EQUAL","Value":1}}}}`, "e", nil, map[string]float64{"n": 1.5}, false},
		{"unknown operator never matches", `{"Dimensions":{"EventType":{"Values":["e"]},"Metrics":{"n":{"ComparisonOperator":"ABOUT","Value":1}}}}`, "e", nil, map[string]float64{"n": 1}, false},
		{"no EventType never matches", `{"Dimensions":{"Attributes":{}}}`, "e", nil, nil, false},
		{"no Dimensions never matches", `{"FilterType":"ENDPOINT"}`, "e", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MatchEvent(filter(t, tt.filter), tt.event, tt.attrs, tt.metrics); got != tt.want {
				t.Errorf("MatchEvent = %v, want %v", got, tt.want)
			}
		})
	}
	if MatchEvent(nil, "e", nil, nil) {
		t.Error("nil filter")
	}
}
