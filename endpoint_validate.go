package inapp

import (
	"encoding/json"
	"slices"
	"strings"
)

// Endpoint quotas, as Pinpoint enforced them. The API (UpdateEndpoint,
// UpdateEndpointsBatch, PutEvents) and import jobs apply the same rules.
const (
	MaxEndpointsPerUser   = 15
	MaxAttributeNameLen   = 50
	MaxAttributeValueLen  = 100
	MaxValuesPerAttribute = 50
	MaxAttributesPerApp   = 250
	// MaxEndpointBytes is Pinpoint's limit on an endpoint's JSON size.
	MaxEndpointBytes = 15 << 10
)

// ChannelTypes are the model's ChannelType values.
var ChannelTypes = []string{"PUSH", "GCM", "APNS", "APNS_SANDBOX", "APNS_VOIP", "APNS_VOIP_SANDBOX", "ADM", "SMS", "VOICE", "EMAIL", "BAIDU", "CUSTOM", "IN_APP"}

// ValidateEndpointID checks an endpoint ID.
func ValidateEndpointID(id string) error {
	if id == "" || strings.ContainsAny(id, "${}") {
		return Errorf(EINVALID, "Endpoint ID %q is not valid: it must not be empty or contain $, { or }.", id)
	}
	return nil
}

// Validate checks the members of an endpoint request. path prefixes the
// member names in messages ("Item[3]." in a batch, "" for one endpoint).
func (r *EndpointRequest) Validate(path string) error {
	if r.ChannelType != "" {
		if err := oneOf(path+"ChannelType", r.ChannelType, ChannelTypes...); err != nil {
			return err
		}
	}
	if r.OptOut != "" {
		if err := oneOf(path+"OptOut", r.OptOut, "ALL", "NONE"); err != nil {
			return err
		}
	}
	if r.EndpointStatus != "" {
		if err := oneOf(path+"EndpointStatus", r.EndpointStatus, "ACTIVE", "INACTIVE"); err != nil {
			return err
		}
	}
	if r.EffectiveDate != "" {
		if _, err := ParseTime(r.EffectiveDate); err != nil {
			return Errorf(EINVALID, "%sEffectiveDate: %v", path, err)
		}
	}
	if err := validateAttributeMap(r.Attributes, path+"Attributes"); err != nil {
		return err
	}
	if r.User != nil {
		if err := validateAttributeMap(r.User.UserAttributes, path+"User.UserAttributes"); err != nil {
			return err
		}
	}
	for k := range r.Metrics {
		if err := validateAttributeName(k, path+"Metrics"); err != nil {
			return err
		}
	}
	if l := r.Location; l != nil {
		if l.Latitude != nil && (*l.Latitude < -90 || *l.Latitude > 90) {
			return Errorf(EINVALID, "%sLocation.Latitude must be from -90 to 90, got %v.", path, *l.Latitude)
		}
		if l.Longitude != nil && (*l.Longitude < -180 || *l.Longitude > 180) {
			return Errorf(EINVALID, "%sLocation.Longitude must be from -180 to 180, got %v.", path, *l.Longitude)
		}
	}
	return nil
}

// AttributeCount is how many attributes, user attributes and metrics the
// endpoint has (Pinpoint's limit of 250 applies to their sum).
func (e *Endpoint) AttributeCount() int {
	n := len(e.Attributes) + len(e.Metrics)
	if e.User != nil {
		n += len(e.User.UserAttributes)
	}
	return n
}

// CheckAttributeCount fails when the endpoint (as it would be stored) has
// more attributes and metrics than Pinpoint allows.
func (e *Endpoint) CheckAttributeCount() error {
	if n := e.AttributeCount(); n > MaxAttributesPerApp {
		return Errorf(EINVALID, "Endpoint %q would have %d attributes and metrics; the limit is %d.", e.ID, n, MaxAttributesPerApp)
	}
	return nil
}

// SizeBound is an upper bound of the endpoint's JSON size, cheap to
// compute: only an endpoint whose bound passes MaxEndpointBytes needs
// encoding to be measured. (JSON escaping makes a byte at most 6 bytes.)
func (e *Endpoint) SizeBound() int {
	chars, items := 0, 0
	add := func(ss ...string) {
		for _, s := range ss {
			chars += len(s)
		}
		items += len(ss)
	}
	attrs := func(m map[string][]string) {
		for k, vs := range m {
			add(k)
			add(vs...)
		}
	}
	add(e.Address, e.ApplicationID, e.ChannelType, e.CohortID, e.CreationDate, e.EffectiveDate, e.EndpointStatus, e.ID, e.OptOut, e.RequestID)
	attrs(e.Attributes)
	for k := range e.Metrics {
		add(k)
		items += 2 // the number: at most 24 bytes
	}
	if d := e.Demographic; d != nil {
		add(d.AppVersion, d.Locale, d.Make, d.Model, d.ModelVersion, d.Platform, d.PlatformVersion, d.Timezone)
	}
	if l := e.Location; l != nil {
		add(l.City, l.Country, l.PostalCode, l.Region)
		items += 4
	}
	if u := e.User; u != nil {
		add(u.UserID)
		attrs(u.UserAttributes)
	}
	// Member names, quotes, colons, commas and brackets: under 24 bytes an
	// item; 200 for the objects around them.
	return 200 + 6*chars + 24*items
}

// CheckSize fails when the endpoint's JSON is larger than Pinpoint allows.
func (e *Endpoint) CheckSize() error {
	if e.SizeBound() <= MaxEndpointBytes {
		return nil
	}
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(b) > MaxEndpointBytes {
		return Errorf(EINVALID, "Endpoint %q would be %d bytes; the limit is 15 KB.", e.ID, len(b))
	}
	return nil
}

func validateAttributeMap(m map[string][]string, path string) error {
	for k, values := range m {
		if err := validateAttributeName(k, path); err != nil {
			return err
		}
		if len(values) > MaxValuesPerAttribute {
			return Errorf(EINVALID, "%s.%s has %d values; the limit is %d.", path, k, len(values), MaxValuesPerAttribute)
		}
		for _, v := range values {
			if len(v) > MaxAttributeValueLen {
				return Errorf(EINVALID, "%s.%s has a value of %d characters; the limit is %d.", path, k, len(v), MaxAttributeValueLen)
			}
		}
	}
	return nil
}

func validateAttributeName(k, path string) error {
	if k == "" || len(k) > MaxAttributeNameLen {
		return Errorf(EINVALID, "%s: attribute name %q must be 1 to %d characters long.", path, k, MaxAttributeNameLen)
	}
	return nil
}

// oneOf is pinpointapi's message for a value outside an enum.
func oneOf(member, value string, allowed ...string) error {
	if slices.Contains(allowed, value) {
		return nil
	}
	return Errorf(EINVALID, "%s: %q is not one of %s.", member, value, strings.Join(allowed, ", "))
}
