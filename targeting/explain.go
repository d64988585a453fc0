package targeting

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

// Explanations: the decisions of Match and Live in words a marketer reads
// (the console's "why does this campaign show, or not, for this
// endpoint"). Each verdict is the evaluation's own result (Explain calls
// match and Live, the code GetInAppMessages runs); the words are built
// around it, so a sentence can be clumsy but never contradict what is
// delivered.

// Explain reports whether the subject's endpoint is in the segment, as
// Match does, and says why in one sentence, e.g.
//
//	Segment 'VIP buyers' v3: attribute plan is [pro], rule wants [enterprise] → not a member.
//
// It allocates; keep it off hot paths.
func (s *Segment) Explain(sub *Subject) (member bool, why string) {
	e := sub.Endpoint
	if e == nil {
		e = &noEndpoint
	}
	member = s.match(sub, e)
	verdict := " → member."
	if !member {
		verdict = " → not a member."
	}
	return member, s.Label() + ": " + s.reason(sub, e, member) + verdict
}

// Label names the segment for people: "Segment 'VIP buyers' v3".
func (s *Segment) Label() string {
	var b strings.Builder
	b.WriteString("Segment")
	switch {
	case s.name != "":
		b.WriteString(" '" + s.name + "'")
	case s.id != "":
		b.WriteString(" " + s.id)
	}
	if s.version > 0 {
		b.WriteString(" v" + strconv.Itoa(s.version))
	}
	return b.String()
}

// reason says why the endpoint is (member) or is not in the segment:
// for a non-member, the first part that fails; for a member, what holds.
func (s *Segment) reason(sub *Subject, e *inapp.Endpoint, member bool) string {
	var parts []string
	if s.imported {
		if sub.Member == nil || !sub.Member(s.id, e.ID) {
			return "not in its imported list"
		}
		parts = append(parts, "in its imported list")
	}
	if len(s.dims) > 0 {
		ok, why := explainConds(s.dims, sub, e)
		if !ok {
			return why
		}
		parts = append(parts, why)
	}
	if len(s.groups) > 0 {
		parts = append(parts, s.explainGroups(sub, e))
	}
	if len(parts) == 0 {
		return "no criteria, so every endpoint is a member"
	}
	return strings.Join(parts, "; ")
}

// explainGroups describes SegmentGroups (one group in practice) and how
// Include combines them.
func (s *Segment) explainGroups(sub *Subject, e *inapp.Endpoint) string {
	var parts []string
	for i := range s.groups {
		g := &s.groups[i]
		m, why := g.explain(sub, e)
		label := "group"
		if len(s.groups) > 1 {
			label = "group " + strconv.Itoa(i+1)
		}
		switch {
		case s.include == opNone && m:
			parts = append(parts, label+" matches, and the segment excludes its endpoints (Include NONE): "+why)
		case s.include == opNone:
			parts = append(parts, label+" does not match, as the segment requires (Include NONE): "+why)
		default:
			parts = append(parts, why)
		}
	}
	return strings.Join(parts, "; ")
}

// explain says whether the group matches (as match does) and why.
func (g *group) explain(sub *Subject, e *inapp.Endpoint) (bool, string) {
	m := g.match(sub, e)
	var parts []string
	if len(g.dims) > 0 {
		parts = append(parts, explainSets(g.typ, g.dims, sub, e))
	}
	if len(g.sources) > 0 {
		parts = append(parts, explainSources(g.sourceOp, g.sources, sub, e))
	}
	return m, strings.Join(parts, "; ")
}

// explainSets describes a group's dimension sets combined by typ.
func explainSets(typ setOp, sets [][]cond, sub *Subject, e *inapp.Endpoint) string {
	if len(sets) == 1 && typ != opNone {
		_, why := explainConds(sets[0], sub, e)
		return why
	}
	n := len(sets)
	var held, failed []string
	for i := range sets {
		ok, why := explainConds(sets[i], sub, e)
		item := fmt.Sprintf("criteria set %d of %d: %s", i+1, n, why)
		if ok {
			held = append(held, item)
		} else {
			failed = append(failed, item)
		}
	}
	switch typ {
	case opAll:
		if len(failed) > 0 {
			return failed[0] + " (every set must hold)"
		}
		return "every criteria set holds: " + strings.Join(held, "; ")
	case opAny:
		if len(held) > 0 {
			return held[0] + " (one set is enough)"
		}
		return "no criteria set holds: " + strings.Join(failed, "; ")
	default:
		if len(held) > 0 {
			return held[0] + ", and the group wants none to hold (Type NONE)"
		}
		return "no criteria set holds, as the group wants (Type NONE)"
	}
}

// explainSources describes a group's source segments combined by op.
func explainSources(op setOp, srcs []*Segment, sub *Subject, e *inapp.Endpoint) string {
	var in, out []string
	for _, src := range srcs {
		m := src.match(sub, e)
		item := "source " + lowerFirst(src.Label()) + ": " + src.reason(sub, e, m)
		if m {
			in = append(in, item)
		} else {
			out = append(out, item)
		}
	}
	switch op {
	case opAll:
		if len(out) > 0 {
			return out[0] + " (every source segment must hold)"
		}
		return strings.Join(in, "; ")
	case opAny:
		if len(in) > 0 {
			return in[0]
		}
		return "in none of the source segments: " + strings.Join(out, "; ")
	default:
		if len(in) > 0 {
			return in[0] + ", and the group wants none (SourceType NONE)"
		}
		return "in none of the source segments, as the group wants (SourceType NONE)"
	}
}

// explainConds describes an AND of conditions: the first that fails, or
// (when all hold) what holds, the first few of them.
func explainConds(cs []cond, sub *Subject, e *inapp.Endpoint) (bool, string) {
	for i := range cs {
		if !cs[i].match(sub, e) {
			return false, cs[i].describe(sub, e)
		}
	}
	const most = 3
	var held []string
	for i := range cs {
		if i == most {
			held = append(held, fmt.Sprintf("%d more criteria hold", len(cs)-most))
			break
		}
		held = append(held, cs[i].describe(sub, e))
	}
	if len(held) == 0 {
		return true, "no criteria"
	}
	return true, strings.Join(held, "; ")
}

// describe says what the endpoint has and what the condition wants, e.g.
// "attribute plan is [pro], rule wants [enterprise]".
func (c *cond) describe(sub *Subject, e *inapp.Endpoint) string {
	switch c.kind {
	case condAttr:
		return "attribute " + c.name + " is " + showValues(e.Attributes[c.name]) + ", rule wants " + c.wantsValues()
	case condUserAttr:
		var vals []string
		if e.User != nil {
			vals = e.User.UserAttributes[c.name]
		}
		return "user attribute " + c.name + " is " + showValues(vals) + ", rule wants " + c.wantsValues()
	case condMetric:
		has := "not set"
		if v, ok := e.Metrics[c.name]; ok {
			has = strconv.FormatFloat(v, 'g', -1, 64)
		}
		return "metric " + c.name + " is " + has + ", rule wants " + cmpSymbols[c.op] + " " + strconv.FormatFloat(c.num, 'g', -1, 64)
	case condRecency:
		has := "never active"
		if !sub.LastActive.IsZero() {
			has = "last active " + sub.LastActive.UTC().Format(explainTime) + " UTC"
		}
		want := "active in the last " + durationWords(c.dur)
		if c.op == 1 {
			want = "inactive for the last " + durationWords(c.dur)
		}
		return has + ", rule wants " + want
	case condDemo:
		return demoNames[c.field] + " is " + showValue(demographic(e, c.field)) + ", rule wants " + c.wantsSet()
	case condCountry:
		country := ""
		if e.Location != nil {
			country = e.Location.Country
		}
		return "country is " + showValue(country) + ", rule wants " + c.wantsSet()
	case condGPS:
		has := "location is not set"
		if l := e.Location; l != nil && l.Latitude != nil && l.Longitude != nil {
			has = fmt.Sprintf("location is %g, %g", *l.Latitude, *l.Longitude)
		}
		return fmt.Sprintf("%s, rule wants within %g km of %g, %g", has, c.gps.rangeKm, c.gps.latDeg, c.gps.lonDeg)
	}
	return "unknown criterion"
}

const explainTime = "2006-01-02 15:04"

var (
	cmpSymbols = map[uint8]string{cmpGT: ">", cmpLT: "<", cmpGE: "≥", cmpLE: "≤", cmpEQ: "="}
	demoNames  = map[uint8]string{
		fieldAppVersion: "app version", fieldChannel: "channel", fieldDeviceType: "device type (platform)",
		fieldMake: "make", fieldModel: "model", fieldPlatform: "platform",
	}
)

// wantsValues is what an attribute condition wants.
func (c *cond) wantsValues() string {
	vals := c.set.vals
	switch c.op {
	case attrIn:
		return showValues(vals)
	case attrNotIn:
		return "none of " + showValues(vals)
	case attrContains:
		return "a value containing one of " + showValues(vals)
	case attrBefore:
		return "a date before " + oneOrList(vals, "the latest of ")
	case attrAfter:
		return "a date after " + oneOrList(vals, "the earliest of ")
	case attrOn:
		return "a date on " + oneOrList(vals, "one of ")
	case attrBetween:
		return "a date between " + vals[0] + " and " + vals[1]
	}
	return showValues(vals)
}

// wantsSet is what a set dimension (demographic, country) wants.
func (c *cond) wantsSet() string {
	if c.op == 1 {
		return "none of " + showValues(c.set.vals)
	}
	return showValues(c.set.vals)
}

func showValues(vals []string) string {
	if len(vals) == 0 {
		return "not set"
	}
	return "[" + strings.Join(vals, ", ") + "]"
}

func showValue(v string) string {
	if v == "" {
		return "not set"
	}
	return v
}

func oneOrList(vals []string, many string) string {
	if len(vals) == 1 {
		return vals[0]
	}
	return many + showValues(vals)
}

func durationWords(d time.Duration) string {
	if d == 24*time.Hour {
		return "24 hours"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// Explain reports whether the schedule is live at now for an endpoint
// whose Demographic.Timezone is endpointTZ, as Live does, and says why,
// e.g.
//
//	Schedule: starts 2026-12-01 09:00 in Europe/Paris (endpoint's local time); not live yet.
func (s *Schedule) Explain(now time.Time, endpointTZ string) (live bool, why string) {
	live = s.Live(now, endpointTZ)
	// The zone the window is placed in, as Window places it, and how to
	// name it.
	var window *time.Location // what Window takes
	show, where := time.UTC, "UTC"
	if s.local {
		if z := Zone(endpointTZ); z != nil {
			window, show, where = z, z, "in "+endpointTZ+" (endpoint's local time)"
		} else if s.fallback != time.UTC {
			show, where = s.fallback, "in "+s.fallback.String()+" (the campaign's time zone; the endpoint reports none)"
		} else {
			where = "UTC (the endpoint reports no time zone)"
		}
	}
	start, end := s.Window(window)
	at := func(t time.Time) string { return t.In(show).Format(explainTime) + " " + where }
	var b strings.Builder
	b.WriteString("Schedule: ")
	switch {
	case live:
		if s.immediate {
			b.WriteString("live since its creation, " + at(start))
		} else {
			b.WriteString("live since " + at(start))
		}
		if s.hasEnd {
			b.WriteString(", until " + at(end) + ".")
		} else {
			b.WriteString(", no end date.")
		}
		if s.Quiet(now, endpointTZ) {
			fmt.Fprintf(&b, " Quiet time %02d:%02d–%02d:%02d is on now in the endpoint's time zone: devices that honour it hold the message back.",
				s.quietFrom/60, s.quietFrom%60, s.quietTo/60, s.quietTo%60)
		}
	case now.Before(start):
		b.WriteString("starts " + at(start) + "; not live yet.")
	default:
		b.WriteString("ended " + at(end) + "; no longer live.")
	}
	return live, b.String()
}
