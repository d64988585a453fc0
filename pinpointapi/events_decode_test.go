package pinpointapi

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	gojson "github.com/goccy/go-json"
)

// FuzzPutEventsDecode holds decodePutEvents (go-json, with encoding/json
// on refusal) to c.decode (encoding/json, as every other operation): the
// same bodies accepted, with the same values, the same message for those
// refused; and go-json's encoding of the answer (which names every
// endpoint and event of the request) and of each accepted event (its
// stored document), byte for byte encoding/json's. go test runs the seeds below;
// go test -fuzz FuzzPutEventsDecode ./pinpointapi searches further.
func FuzzPutEventsDecode(f *testing.F) {
	for _, seed := range []string{
		string(putEventsBody(0, 10)),
		string(putEventsBody(7, 3)),
		``, ` `, `{}`, `null`, `[]`, `"x"`, `{"BatchItem":null}`, `{"BatchItem":{}}`,
		`{"BatchItem":{"ep":null}}`,
		`{"BatchItem":{"ep":{"Endpoint":{},"Events":{"e":null}}}}`,
		`{"BatchItem":{"ep":{"Endpoint":{"Demographic":{"Timezone":"Europe/Paris"},"Attributes":{"a":["1","2"]},"Metrics":{"m":1.5e3},"User":{"UserId":"u","UserAttributes":{"x":[]}}},"Events":{}}}}`,
		// Names in other cases match the fields, as in encoding/json.
		`{"batchitem":{"ep":{"endpoint":{},"events":{"e":{"eventtype":"x","TIMESTAMP":"2026-11-21T12:00:00Z"}}}}}`,
		// The last of duplicate names wins.
		`{"BatchItem":{"ep":{"Endpoint":{},"Events":{"e":{"EventType":"a","EventType":"b","Timestamp":"t"}}}}}`,
		// Wrong types, at every depth.
		`{"BatchItem":[]}`, `{"BatchItem":{"ep":[]}}`, `{"BatchItem":{"ep":{"Events":{"e":{"EventType":1}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Metrics":{"m":"1"}}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Attributes":{"a":1}}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Session":{"Duration":1.5}}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Session":{"Duration":99999999999999999999}}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Metrics":{"m":1e999}}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Metrics":{"m":-0.0,"n":1E-7,"o":123456789012345678901234567890}}}}}}`,
		// Strings: escapes, surrogates, HTML, control characters, bad UTF-8.
		`{"BatchItem":{"ep":{"Events":{"e\u00e9\ud83d\ude00":{"EventType":"<b>&amp;</b>\u2028","Attributes":{"k":"\ud800"}}}}}}`,
		"{\"BatchItem\":{\"ep\":{\"Events\":{\"e\":{\"EventType\":\"a\tb\"}}}}}",
		"{\"BatchItem\":{\"ep\":{\"Events\":{\"e\":{\"EventType\":\"\xff\xfe\"}}}}}",
		`{"BatchItem":{"ep":{"Events":{"e":{"EventType":"\x"}}}}}`,
		// Malformed JSON.
		`{"BatchItem":{"ep":{"Events":{"e":{"EventType":"a",}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"EventType":"a"}}}}`,
		`{"BatchItem":{}} {}`, `{"BatchItem":{}}]`, `{"BatchItem":01}`, `{"BatchItem":{"ep":{"Events":{"e":{"Metrics":{"m":.5}}}}}}`,
		`{"BatchItem":{"ep":{"Events":{"e":{"Metrics":{"m":NaN}}}}}}`, `{'BatchItem':{}}`, `{"BatchItem":tru}`,
		// Nesting at encoding/json's limit of 10,000 levels (go-json has
		// the same), one level past it, and far past it.
		`{"BatchItem":{"ep":{"Unknown":{"x":` + strings.Repeat("[", 9996) + strings.Repeat("]", 9996) + `}}}}`,
		`{"BatchItem":{"ep":{"Unknown":{"x":` + strings.Repeat("[", 9997) + strings.Repeat("]", 9997) + `}}}}`,
		`{"BatchItem":{"ep":{"Unknown":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}}}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast, std putEventsRequest
		errFast := decodePutEvents(&call{body: bytes.Clone(body)}, &fast)
		errStd := (&call{body: bytes.Clone(body)}).decode(&std)
		if (errFast == nil) != (errStd == nil) {
			t.Fatalf("%q: decodePutEvents error %v, encoding/json error %v", body, errFast, errStd)
		}
		if errStd != nil {
			if errFast.Error() != errStd.Error() {
				t.Fatalf("%q: message %q, want %q", body, errFast, errStd)
			}
			return
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("%q: decoded\n%#v\nwant\n%#v", body, fast, std)
		}
		// The answer names every endpoint and event of the request.
		answer := putEventsAnswer{Results: map[string]*itemResponse{}}
		for endpointID, b := range std.BatchItem {
			res := &itemResponse{EndpointItemResponse: &itemStatus{Message: acceptedMessage, StatusCode: statusAccepted}, EventsItemResponse: map[string]*itemStatus{}}
			for id := range b.eventsOrNil() {
				res.EventsItemResponse[id] = &itemStatus{Message: "Event " + id + " is <invalid> & \u2028", StatusCode: statusBadEvent}
			}
			answer.Results[endpointID] = res
		}
		got, err := gojson.Marshal(answer)
		if err != nil {
			t.Fatalf("%q: go-json cannot encode the answer: %v", body, err)
		}
		if want, _ := json.Marshal(answer); !bytes.Equal(got, want) {
			t.Fatalf("answer encoded as\n%s\nwant\n%s", got, want)
		}
		for _, b := range std.BatchItem {
			for id, ev := range b.eventsOrNil() {
				if ev == nil {
					continue
				}
				got, err := gojson.Marshal(ev)
				if err != nil {
					t.Fatalf("%q: go-json cannot encode event %s: %v", body, id, err)
				}
				want, _ := json.Marshal(ev)
				if !bytes.Equal(got, want) {
					t.Fatalf("event %s encoded as\n%s\nwant\n%s", id, got, want)
				}
			}
		}
	})
}
