package delivery

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	inapp "github.com/inappd/inappd"
)

// TestMarshalMessageAsEncodingJSON: marshalMessage (go-json) writes the
// bytes encoding/json writes, for messages made of the strings and
// numbers where encoders differ if they differ anywhere: HTML characters,
// U+2028 and U+2029, control characters, invalid UTF-8, emoji, map keys
// to sort, and floats across the ranges where the format switches to an
// exponent.
func TestMarshalMessageAsEncodingJSON(t *testing.T) {
	texts := []string{"", "Sale!", "<b>50% off</b> & more", "a\u2028b\u2029c", "tab\there\nnew\rline\x00\x1f\x7f",
		"bad \xff\xfe utf-8", "lone \xed\xa0\x80 surrogate", "emoji 🎉👍🏽", "quote \" backslash \\ slash /", "https://example.com/?a=1&b=<2>"}
	floats := []float64{0, 1, -1, 1.5, 0.1, 1e-6, 9.99e-7, 1e-7, 123456789.125, 1e20, 1e21, 1.7976931348623157e308, math.SmallestNonzeroFloat64, -2.5e-10}
	r := rand.New(rand.NewPCG(1, 2))
	text := func() string { return texts[r.IntN(len(texts))] }
	for i := range 3000 {
		radius := r.IntN(40)
		content := []*inapp.InAppMessageContent{{
			BackgroundColor: text(), ImageUrl: text(),
			BodyConfig:   &inapp.InAppMessageBodyConfig{Alignment: "CENTER", Body: text(), TextColor: text()},
			HeaderConfig: &inapp.InAppMessageHeaderConfig{Alignment: "LEFT", Header: text(), TextColor: "#000000"},
			PrimaryBtn: &inapp.InAppMessageButton{
				DefaultConfig: &inapp.DefaultButtonConfiguration{BorderRadius: &radius, ButtonAction: "LINK", Link: text(), Text: text()},
				Web:           &inapp.OverrideButtonConfiguration{ButtonAction: "DEEP_LINK", Link: text()},
			},
		}}
		custom := map[string]string{}
		for range r.IntN(4) {
			custom[text()] = text()
		}
		value := floats[r.IntN(len(floats))]
		m := &inapp.InAppMessageCampaign{
			CampaignID: text(), DailyCap: r.IntN(10), Priority: 1 + r.IntN(5), SessionCap: r.IntN(3), TotalCap: r.IntN(100), TreatmentID: "0",
			InAppMessage: &inapp.InAppMessage{Content: content, CustomConfig: custom, Layout: "MIDDLE_BANNER"},
			Schedule: &inapp.InAppSchedule{EndDate: "2026-12-31T00:00:00Z", QuietTime: &inapp.QuietTime{Start: "22:00", End: "07:00"},
				EventFilter: &inapp.CampaignEventFilter{FilterType: "SYSTEM", Dimensions: &inapp.EventDimensions{
					Attributes: map[string]*inapp.AttributeDimension{text(): {AttributeType: "INCLUSIVE", Values: []string{text(), text()}}},
					EventType:  &inapp.SetDimension{DimensionType: "INCLUSIVE", Values: []string{"_session.start", text()}},
					Metrics:    map[string]*inapp.MetricDimension{text(): {ComparisonOperator: "GREATER_THAN", Value: &value}},
				}}},
		}
		got, err := marshalMessage(m)
		if err != nil {
			t.Fatal(err)
		}
		want, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("message %d:\ngo-json       %s\nencoding/json %s", i, got, want)
		}
	}
}
