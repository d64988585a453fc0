package inapp

import (
	"fmt"
	"testing"
)

// userHas builds a user's endpoints: n of channel ch, created a day apart
// from the given day on, with IDs prefix-01 …
func userHas(prefix, ch string, n, day int) []*Endpoint {
	var out []*Endpoint
	for i := range n {
		out = append(out, &Endpoint{ID: fmt.Sprintf("%s-%02d", prefix, i+1), ChannelType: ch, EndpointStatus: "ACTIVE",
			CreationDate: fmt.Sprintf("2025-01-%02dT00:00:00.000Z", day+i)})
	}
	return out
}

func TestUserEndpointLimit(t *testing.T) {
	inactive := &Endpoint{ID: "gone", ChannelType: "GCM", EndpointStatus: "INACTIVE", CreationDate: "2024-01-01T00:00:00.000Z"}
	sameDay := []*Endpoint{
		{ID: "b", ChannelType: "GCM", CreationDate: "2025-01-01T00:00:00.000Z"},
		{ID: "a", ChannelType: "APNS", CreationDate: "2025-01-01T00:00:00.000Z"},
	}
	for _, tc := range []struct {
		name   string
		have   []*Endpoint
		named  map[string]string
		retire string // "" none
		fail   string // "" none
	}{
		{"under the limit", userHas("d", "IN_APP", 14, 1), map[string]string{"new": "IN_APP"}, "", ""},
		{"a 16th, not push", userHas("d", "IN_APP", 15, 1), map[string]string{"new": "IN_APP"}, "",
			`Exceeded maximum endpoint per user count 15 (user "u" would have 16).`},
		{"a 16th push, the user has no push endpoint", userHas("d", "IN_APP", 15, 1), map[string]string{"new": "GCM"}, "",
			`Exceeded maximum endpoint per user count 15 (user "u" would have 16).`},
		{"a 16th push retires the oldest push endpoint", append(userHas("d", "IN_APP", 10, 1), userHas("p", "APNS", 5, 12)...), map[string]string{"new": "ADM"}, "p-01", ""},
		{"INACTIVE endpoints do not count", append(userHas("d", "IN_APP", 14, 1), inactive), map[string]string{"new": "IN_APP"}, "", ""},
		{"INACTIVE endpoints are not retired", append(append(userHas("d", "IN_APP", 14, 1), inactive), userHas("p", "GCM", 1, 20)...), map[string]string{"new": "GCM"}, "p-01", ""},
		{"a named endpoint counts once", userHas("d", "IN_APP", 15, 1), map[string]string{"d-03": "IN_APP"}, "", ""},
		{"a named endpoint is not retired", userHas("p", "GCM", 15, 1), map[string]string{"p-01": "GCM", "new": "GCM"}, "p-02", ""},
		{"two over, push", userHas("p", "GCM", 15, 1), map[string]string{"new-1": "GCM", "new-2": "GCM"}, "",
			`Exceeded maximum endpoint per user count 15 (user "u" would have 17).`},
		{"one over with a non-push endpoint named", userHas("p", "GCM", 15, 1), map[string]string{"new": "GCM", "p-01": "IN_APP"}, "",
			`Exceeded maximum endpoint per user count 15 (user "u" would have 16).`},
		{"push and not push named, over", userHas("p", "GCM", 15, 1), map[string]string{"new": "GCM", "new-app": "IN_APP"}, "",
			`Exceeded maximum endpoint per user count 15 (user "u" would have 17).`},
		{"ties: the first listed is the oldest", append(userHas("d", "IN_APP", 13, 1), sameDay...), map[string]string{"new": "GCM"}, "b", ""},
	} {
		retire, err := UserEndpointLimit("u", tc.have, tc.named)
		got := ""
		if retire != nil {
			got = retire.ID
		}
		if got != tc.retire {
			t.Errorf("%s: retires %q, want %q", tc.name, got, tc.retire)
		}
		switch {
		case tc.fail == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.fail != "" && (ErrorCode(err) != EINVALID || ErrorMessage(err) != tc.fail):
			t.Errorf("%s: error %v, want EINVALID %q", tc.name, err, tc.fail)
		}
	}
}

func TestAddressTaken(t *testing.T) {
	holders := []*Endpoint{
		{ID: "self", EndpointStatus: "ACTIVE"},
		{ID: "other", EndpointStatus: "ACTIVE"},
		{ID: "asleep", EndpointStatus: "INACTIVE"},
		{ID: "also-updated", EndpointStatus: "ACTIVE"},
	}
	ids := func(es []*Endpoint) []string {
		var out []string
		for _, e := range es {
			out = append(out, e.ID)
		}
		return out
	}
	if got := ids(AddressTaken("self", holders, nil)); fmt.Sprint(got) != "[other also-updated]" {
		t.Errorf("AddressTaken = %v", got)
	}
	updated := func(id string) bool { return id == "also-updated" || id == "self" }
	if got := ids(AddressTaken("self", holders, updated)); fmt.Sprint(got) != "[other]" {
		t.Errorf("AddressTaken with a batch = %v", got)
	}
}

func TestPushChannel(t *testing.T) {
	for _, ch := range ChannelTypes {
		want := ch == "ADM" || ch == "GCM" || ch == "BAIDU" || ch == "APNS" || ch == "APNS_SANDBOX" || ch == "APNS_VOIP" || ch == "APNS_VOIP_SANDBOX"
		if PushChannel(ch) != want {
			t.Errorf("PushChannel(%s) = %v", ch, !want)
		}
	}
}
