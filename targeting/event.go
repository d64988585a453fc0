package targeting

import (
	inapp "github.com/inappd/inappd"
)

// ValidateEventFilter checks a campaign's CampaignEventFilter found at path
// (e.g. "Schedule.EventFilter"). A nil filter is valid (whether one is
// required is the schedule's business, see ValidateSchedule).
//
// Dimensions is required. FilterType is checked when present but not
// required, although the model marks it so: AWS itself leaves it out of
// what GetInAppMessages returns, and filters get copied from there.
// Attribute dimensions are checked as a segment's are (enum, Values, dates
// for BEFORE/AFTER/ON/BETWEEN); metrics need ComparisonOperator and Value.
func ValidateEventFilter(f *inapp.CampaignEventFilter, path string) error {
	if f == nil {
		return nil
	}
	if f.FilterType != "" && !oneOf(f.FilterType, filterTypes) {
		return notOneOf(path+".FilterType", f.FilterType, filterTypes)
	}
	d := f.Dimensions
	if d == nil {
		return invalid(path+".Dimensions", "required; give EventType and, if needed, Attributes and Metrics")
	}
	path += ".Dimensions"
	for _, name := range sortedKeys(d.Attributes) {
		if _, err := compileAttr(path+".Attributes."+name, d.Attributes[name]); err != nil {
			return err
		}
	}
	if d.EventType != nil {
		if _, err := compileSet(path+".EventType", d.EventType, false); err != nil {
			return err
		}
	}
	for _, name := range sortedKeys(d.Metrics) {
		m := d.Metrics[name]
		if m == nil {
			return invalid(path+".Metrics."+name, "is null; give ComparisonOperator and Value")
		}
		if _, err := parseComparison(path+".Metrics."+name, m); err != nil {
			return err
		}
	}
	return nil
}

// MatchEvent reports whether an event (its type, attributes and metrics)
// triggers a campaign with filter f, the way the device decides:
//
//   - the event type must be in EventType.Values (exact, case-sensitive);
//     with DimensionType EXCLUSIVE it must not be. No filter, no
//     Dimensions or no EventType: nothing matches.
//   - every Attributes[k]: the event's value of k must be one of Values
//     (exact); EXCLUSIVE inverts that, so an event without k passes an
//     EXCLUSIVE attribute and fails any other. CONTAINS and the date types
//     are compared as INCLUSIVE, as Amplify does.
//   - every Metrics[k]: the event must have k, and compare with Value by
//     ComparisonOperator.
//
// Amplify JS differs in two ways, both bugs on its side: it ignores
// DimensionType and AttributeType EXCLUSIVE (treats them as INCLUSIVE), and
// a metric Value of 0 never matches there (it tests the value for
// truthiness). MatchEvent gives the documented meaning.
func MatchEvent(f *inapp.CampaignEventFilter, eventType string, attrs map[string]string, metrics map[string]float64) bool {
	if f == nil || f.Dimensions == nil || f.Dimensions.EventType == nil {
		return false
	}
	d := f.Dimensions
	if contains(d.EventType.Values, eventType) == (d.EventType.DimensionType == "EXCLUSIVE") {
		return false
	}
	for name, a := range d.Attributes {
		if a == nil {
			return false
		}
		v, ok := attrs[name]
		if (ok && contains(a.Values, v)) == (a.AttributeType == "EXCLUSIVE") {
			return false
		}
	}
	for name, m := range d.Metrics {
		if m == nil {
			return false
		}
		op, err := parseComparison("", m)
		if err != nil {
			return false
		}
		v, ok := metrics[name]
		if !ok || !compare(op, v, *m.Value) {
			return false
		}
	}
	return true
}

func contains(vals []string, v string) bool {
	for _, w := range vals {
		if w == v {
			return true
		}
	}
	return false
}
