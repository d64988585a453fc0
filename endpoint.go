package inapp

import (
	"fmt"
	"hash/fnv"
	"strconv"

	gojson "github.com/goccy/go-json"
)

// ApplyEndpointRequest returns the endpoint that results from applying req
// to current (nil for a new endpoint), with Pinpoint's update semantics:
// members left out keep their value; an attribute or metric named in the
// request replaces that attribute's values (other attributes stay).
func ApplyEndpointRequest(current *Endpoint, req *EndpointRequest, appID, id, now string) *Endpoint {
	e := &Endpoint{}
	if current != nil {
		*e = *current
		e.Attributes = cloneAttrs(current.Attributes)
		e.Metrics = cloneMetrics(current.Metrics)
		if current.User != nil {
			u := *current.User
			u.UserAttributes = cloneAttrs(u.UserAttributes)
			e.User = &u
		}
		if current.Demographic != nil {
			d := *current.Demographic
			e.Demographic = &d
		}
		if current.Location != nil {
			l := *current.Location
			e.Location = &l
		}
	} else {
		e.ID = id
		e.ApplicationID = appID
		e.CreationDate = now
		e.CohortID = Cohort(id)
		e.EndpointStatus = "ACTIVE"
		e.OptOut = "NONE"
	}
	setIf(&e.Address, req.Address)
	setIf(&e.ChannelType, req.ChannelType)
	setIf(&e.EndpointStatus, req.EndpointStatus)
	setIf(&e.OptOut, req.OptOut)
	setIf(&e.RequestID, req.RequestID)
	e.EffectiveDate = now
	if req.EffectiveDate != "" {
		e.EffectiveDate = req.EffectiveDate
	}
	e.Attributes = mergeAttrs(e.Attributes, req.Attributes)
	for k, v := range req.Metrics {
		if e.Metrics == nil {
			e.Metrics = map[string]float64{}
		}
		e.Metrics[k] = v
	}
	if d := req.Demographic; d != nil {
		if e.Demographic == nil {
			e.Demographic = &Demographic{}
		}
		t := e.Demographic
		setIf(&t.AppVersion, d.AppVersion)
		setIf(&t.Locale, d.Locale)
		setIf(&t.Make, d.Make)
		setIf(&t.Model, d.Model)
		setIf(&t.ModelVersion, d.ModelVersion)
		setIf(&t.Platform, d.Platform)
		setIf(&t.PlatformVersion, d.PlatformVersion)
		setIf(&t.Timezone, d.Timezone)
	}
	if l := req.Location; l != nil {
		if e.Location == nil {
			e.Location = &Location{}
		}
		t := e.Location
		setIf(&t.City, l.City)
		setIf(&t.Country, l.Country)
		setIf(&t.PostalCode, l.PostalCode)
		setIf(&t.Region, l.Region)
		if l.Latitude != nil {
			t.Latitude = l.Latitude
		}
		if l.Longitude != nil {
			t.Longitude = l.Longitude
		}
	}
	if u := req.User; u != nil {
		if e.User == nil {
			e.User = &EndpointUser{}
		}
		setIf(&e.User.UserID, u.UserID)
		e.User.UserAttributes = mergeAttrs(e.User.UserAttributes, u.UserAttributes)
	}
	return e
}

// IsEmpty reports whether the request sets nothing (Amplify's PutEvents
// sends "Endpoint": {}, which must not touch the endpoint).
func (r *EndpointRequest) IsEmpty() bool {
	return r.Address == "" && len(r.Attributes) == 0 && r.ChannelType == "" && r.Demographic == nil &&
		r.EffectiveDate == "" && r.EndpointStatus == "" && r.Location == nil && len(r.Metrics) == 0 &&
		r.OptOut == "" && r.RequestID == "" && r.User == nil
}

// Cohort is the endpoint's stable cohort, "0" to "99", as Pinpoint reports.
func Cohort(endpointID string) string {
	h := fnv.New32a()
	h.Write([]byte(endpointID))
	return strconv.Itoa(int(h.Sum32() % 100))
}

// ReceivesInApp reports whether the endpoint may be sent in-app messages.
func (e *Endpoint) ReceivesInApp() bool {
	return e.ChannelType == "IN_APP" && e.OptOut != "ALL" && e.EndpointStatus != "INACTIVE"
}

// Timezone is the endpoint's IANA time zone, "" when unknown.
func (e *Endpoint) Timezone() string {
	if e.Demographic == nil {
		return ""
	}
	return e.Demographic.Timezone
}

func setIf(dst *string, v string) {
	if v != "" {
		*dst = v
	}
}

func mergeAttrs(dst, src map[string][]string) map[string][]string {
	for k, v := range src {
		if dst == nil {
			dst = map[string][]string{}
		}
		dst[k] = append([]string(nil), v...)
	}
	return dst
}

func cloneAttrs(m map[string][]string) map[string][]string {
	if m == nil {
		return nil
	}
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func cloneMetrics(m map[string]float64) map[string]float64 {
	if m == nil {
		return nil
	}
	out := make(map[string]float64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// AttributeRemover returns a func that deletes the names from the kind's
// map of an endpoint and reports whether it changed anything
// (RemoveAttributes, applied by the backends to every endpoint of an app).
func AttributeRemover(kind AttributeKind, names []string) (func(*Endpoint) bool, error) {
	deleteFrom := func(m map[string][]string) bool {
		n := len(m)
		for _, name := range names {
			delete(m, name)
		}
		return len(m) != n
	}
	switch kind {
	case EndpointCustomAttributes:
		return func(e *Endpoint) bool { return deleteFrom(e.Attributes) }, nil
	case EndpointUserAttributes:
		return func(e *Endpoint) bool { return e.User != nil && deleteFrom(e.User.UserAttributes) }, nil
	case EndpointMetricAttributes:
		return func(e *Endpoint) bool {
			n := len(e.Metrics)
			for _, name := range names {
				delete(e.Metrics, name)
			}
			return len(e.Metrics) != n
		}, nil
	}
	return nil, Errorf(EINVALID, "Unknown attribute type %q.", kind)
}

// DecodeEndpoint decodes a stored endpoint document. Endpoints are decoded
// on the hot paths (every GetInAppMessages, every endpoint of a segment
// size estimate), where encoding/json's reflection was most of the cost;
// go-json decodes the same documents about three times faster. Documents
// are the server's own encoding, so the two decoders' differences on
// malformed input do not arise.
func DecodeEndpoint(doc string) (*Endpoint, error) {
	e := new(Endpoint)
	if err := gojson.Unmarshal([]byte(doc), e); err != nil {
		return nil, fmt.Errorf("decode endpoint: %w", err)
	}
	return e, nil
}

// PushChannel reports whether ch is one of the mobile push channels: a
// user's new endpoint of one of them retires the user's oldest push
// endpoint instead of exceeding the limit (UserEndpointLimit).
func PushChannel(ch string) bool {
	switch ch {
	case "ADM", "GCM", "BAIDU", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX":
		return true
	}
	return false
}

// UserEndpointLimit applies Pinpoint's limit of MaxEndpointsPerUser
// endpoints per user to a request (UpdateEndpoint, an UpdateEndpointsBatch,
// an import row) that gives user userID the endpoints in named (endpoint
// ID → the ChannelType the request gives it, "" for none). have is what
// the user has before the request, in creation order; its INACTIVE
// endpoints do not count, the named ones always do.
//
// Over the limit by one, with only push endpoints named, the user's oldest
// push endpoint the request does not name makes way, as in Pinpoint: it
// is returned for the caller to make INACTIVE. Otherwise over the limit is
// an EINVALID error that says so.
func UserEndpointLimit(userID string, have []*Endpoint, named map[string]string) (retire *Endpoint, err error) {
	total := len(named)
	var oldestPush *Endpoint
	for _, e := range have {
		if _, ok := named[e.ID]; ok || e.EndpointStatus == "INACTIVE" {
			continue
		}
		total++
		// Strictly older: of endpoints created together, the first.
		if PushChannel(e.ChannelType) && (oldestPush == nil || e.CreationDate < oldestPush.CreationDate) {
			oldestPush = e
		}
	}
	if total <= MaxEndpointsPerUser {
		return nil, nil
	}
	if total == MaxEndpointsPerUser+1 && oldestPush != nil && allPush(named) {
		return oldestPush, nil
	}
	return nil, Errorf(EINVALID, "Exceeded maximum endpoint per user count %d (user %q would have %d).", MaxEndpointsPerUser, userID, total)
}

func allPush(named map[string]string) bool {
	for _, ch := range named {
		if !PushChannel(ch) {
			return false
		}
	}
	return true
}

// AddressTaken returns the endpoints that become INACTIVE when endpoint id
// is given an Address: holders are the endpoints that have that Address,
// and each of them becomes INACTIVE (the model's EndpointStatus
// documentation) unless it is id itself, already INACTIVE, or updated by
// the same request (updated; nil when the request updates only id).
func AddressTaken(id string, holders []*Endpoint, updated func(id string) bool) []*Endpoint {
	var out []*Endpoint
	for _, e := range holders {
		if e.ID == id || e.EndpointStatus == "INACTIVE" || (updated != nil && updated(e.ID)) {
			continue
		}
		out = append(out, e)
	}
	return out
}
