package targeting

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

// Subject is what a segment is evaluated against: one endpoint, when it was
// last active, and the time of the request. Build one per request and pass
// it by pointer to every Match; nothing in it is modified.
type Subject struct {
	Endpoint *inapp.Endpoint
	// LastActive is the last time the endpoint was seen, for Behavior.Recency
	// (see LastActive); the zero time means never.
	LastActive time.Time
	// Now is the time of the evaluation.
	Now time.Time
	// Member reports whether an endpoint belongs to an imported (IMPORT)
	// segment. Nil means no import information: every IMPORT segment then
	// matches nothing.
	Member func(segmentID, endpointID string) bool
	// Memo, when set, keeps the results of numbered conditions (see
	// CondTable) across the Match calls made for this subject. Reset it
	// whenever Endpoint, LastActive, Now or Member change.
	Memo *Memo
}

// LastActive is the activity time to put in Subject.LastActive: the later of
// the endpoint's EffectiveDate and lastEvent (the time of its last event,
// zero when unknown). An unparsable EffectiveDate is ignored.
func LastActive(e *inapp.Endpoint, lastEvent time.Time) time.Time {
	t := lastEvent
	if e != nil && e.EffectiveDate != "" {
		if p, ok := parseISO(e.EffectiveDate); ok && p.instant.After(t) {
			t = p.instant
		}
	}
	return t
}

// Segment is a compiled segment: evaluate it with Match as often as needed,
// from any number of goroutines.
type Segment struct {
	id       string
	version  int
	imported bool
	dims     []cond // Dimensions: all must hold
	groups   []group
	include  setOp
	name     string // for explanations, last: Match never reads it
}

// ID is the segment's ID ("" when compiled from a request).
func (s *Segment) ID() string { return s.id }

// Version is the segment's version.
func (s *Segment) Version() int { return s.version }

type setOp uint8

const (
	opAll setOp = iota
	opAny
	opNone
)

func parseSetOp(v string, dflt setOp) (setOp, bool) {
	switch v {
	case "":
		return dflt, true
	case "ALL":
		return opAll, true
	case "ANY":
		return opAny, true
	case "NONE":
		return opNone, true
	}
	return 0, false
}

type group struct {
	dims     [][]cond
	typ      setOp
	sources  []*Segment
	sourceOp setOp
}

var noEndpoint inapp.Endpoint

// Match reports whether the subject's endpoint is in the segment. It does
// not allocate.
func (s *Segment) Match(sub *Subject) bool {
	e := sub.Endpoint
	if e == nil {
		e = &noEndpoint
	}
	return s.match(sub, e)
}

func (s *Segment) match(sub *Subject, e *inapp.Endpoint) bool {
	if s.imported && (sub.Member == nil || !sub.Member(s.id, e.ID)) {
		return false
	}
	if !matchConds(s.dims, sub, e) {
		return false
	}
	if len(s.groups) == 0 {
		return true
	}
	switch s.include {
	case opAll:
		for i := range s.groups {
			if !s.groups[i].match(sub, e) {
				return false
			}
		}
		return true
	case opAny:
		for i := range s.groups {
			if s.groups[i].match(sub, e) {
				return true
			}
		}
		return false
	default:
		for i := range s.groups {
			if s.groups[i].match(sub, e) {
				return false
			}
		}
		return true
	}
}

// match: the group's dimensions (combined by Type) and its source segments
// (combined by SourceType) must both hold; an empty list holds.
func (g *group) match(sub *Subject, e *inapp.Endpoint) bool {
	if len(g.dims) > 0 {
		ok := g.typ != opAny
		for i := range g.dims {
			m := matchConds(g.dims[i], sub, e)
			if g.typ == opAll && !m || g.typ == opNone && m {
				ok = false
				break
			}
			if g.typ == opAny && m {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	if len(g.sources) > 0 {
		ok := g.sourceOp != opAny
		for _, src := range g.sources {
			m := src.match(sub, e)
			if g.sourceOp == opAll && !m || g.sourceOp == opNone && m {
				ok = false
				break
			}
			if g.sourceOp == opAny && m {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

func matchConds(cs []cond, sub *Subject, e *inapp.Endpoint) bool {
	for i := range cs {
		if !cs[i].eval(sub, e) {
			return false
		}
	}
	return true
}

// ---- conditions ----

type condKind uint8

// In evaluation order: cheap conditions first (the order of an AND does not
// change its result).
const (
	condDemo condKind = iota
	condCountry
	condRecency
	condMetric
	condAttr
	condUserAttr
	condGPS
)

// Attribute operators.
const (
	attrIn uint8 = iota
	attrNotIn
	attrContains
	attrBefore
	attrAfter
	attrOn
	attrBetween
)

// Metric operators.
const (
	cmpGT uint8 = iota
	cmpLT
	cmpGE
	cmpLE
	cmpEQ
)

// Demographic fields.
const (
	fieldAppVersion uint8 = iota
	fieldChannel
	fieldDeviceType
	fieldMake
	fieldModel
	fieldPlatform
)

// cond is one dimension, compiled.
type cond struct {
	id     uint32 // CondTable number, 0 for none
	kind   condKind
	op     uint8 // attr*, cmp*; for set dimensions and recency: 1 = EXCLUSIVE / INACTIVE
	field  uint8
	name   string
	set    valueSet
	t0, t1 time.Time
	days   []int64
	num    float64
	dur    time.Duration
	gps    *gpsPoint
}

func (c *cond) match(sub *Subject, e *inapp.Endpoint) bool {
	switch c.kind {
	case condAttr:
		return c.matchValues(e.Attributes[c.name])
	case condUserAttr:
		if e.User == nil {
			return c.matchValues(nil)
		}
		return c.matchValues(e.User.UserAttributes[c.name])
	case condMetric:
		v, ok := e.Metrics[c.name]
		return ok && compare(c.op, v, c.num)
	case condRecency:
		active := !sub.LastActive.IsZero() && sub.Now.Sub(sub.LastActive) <= c.dur
		return active != (c.op == 1)
	case condDemo:
		return c.set.has(demographic(e, c.field)) != (c.op == 1)
	case condCountry:
		country := ""
		if e.Location != nil {
			country = e.Location.Country
		}
		return c.set.has(country) != (c.op == 1)
	case condGPS:
		l := e.Location
		return l != nil && l.Latitude != nil && l.Longitude != nil && c.gps.within(*l.Latitude, *l.Longitude)
	}
	return false
}

func demographic(e *inapp.Endpoint, field uint8) string {
	if field == fieldChannel {
		return e.ChannelType
	}
	d := e.Demographic
	if d == nil {
		return ""
	}
	switch field {
	case fieldAppVersion:
		return d.AppVersion
	case fieldMake:
		return d.Make
	case fieldModel:
		return d.Model
	default: // fieldPlatform, fieldDeviceType
		return d.Platform
	}
}

// matchValues applies an attribute condition to an endpoint's (multi-valued)
// attribute; vals is nil when the endpoint does not have it.
func (c *cond) matchValues(vals []string) bool {
	switch c.op {
	case attrIn:
		for _, v := range vals {
			if c.set.has(v) {
				return true
			}
		}
		return false
	case attrNotIn:
		for _, v := range vals {
			if c.set.has(v) {
				return false
			}
		}
		return true
	case attrContains:
		for _, v := range vals {
			for _, w := range c.set.vals {
				if strings.Contains(v, w) {
					return true
				}
			}
		}
		return false
	}
	for _, v := range vals {
		p, ok := parseISO(v)
		if !ok {
			continue
		}
		t := p.instant
		switch c.op {
		case attrBefore:
			if t.Before(c.t0) {
				return true
			}
		case attrAfter:
			if t.After(c.t0) {
				return true
			}
		case attrOn:
			d := dayNumber(t)
			for _, x := range c.days {
				if d == x {
					return true
				}
			}
		case attrBetween:
			if !t.Before(c.t0) && !t.After(c.t1) {
				return true
			}
		}
	}
	return false
}

func compare(op uint8, v, ref float64) bool {
	switch op {
	case cmpGT:
		return v > ref
	case cmpLT:
		return v < ref
	case cmpGE:
		return v >= ref
	case cmpLE:
		return v <= ref
	default:
		return v == ref
	}
}

// valueSet is a set of strings, compared exactly or (fold) ignoring ASCII
// case. Small sets are scanned; larger ones use a map.
type valueSet struct {
	vals []string
	m    map[string]struct{}
	fold bool
}

const setScanMax = 8

func newSet(vals []string, fold bool) valueSet {
	s := valueSet{vals: append([]string(nil), vals...), fold: fold}
	if len(vals) <= setScanMax {
		return s
	}
	if fold {
		for _, v := range vals {
			if !isASCII(v) {
				return s // Unicode folding: scan with strings.EqualFold
			}
		}
	}
	s.m = make(map[string]struct{}, len(vals))
	for _, v := range vals {
		if fold {
			v = strings.ToLower(v)
		}
		s.m[v] = struct{}{}
	}
	return s
}

func (s *valueSet) has(v string) bool {
	if s.m != nil {
		if !s.fold {
			_, ok := s.m[v]
			return ok
		}
		var buf [64]byte
		if len(v) <= len(buf) && isASCII(v) {
			for i := 0; i < len(v); i++ {
				c := v[i]
				if 'A' <= c && c <= 'Z' {
					c += 'a' - 'A'
				}
				buf[i] = c
			}
			_, ok := s.m[string(buf[:len(v)])]
			return ok
		}
	}
	for _, w := range s.vals {
		if w == v || s.fold && strings.EqualFold(w, v) {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// gpsPoint is a circle on the Earth: haversine distance from a center.
type gpsPoint struct {
	lat, lon, cosLat float64 // radians
	maxHav           float64 // haversine of the largest central angle in range
	// As given, for explanations.
	latDeg, lonDeg, rangeKm float64
}

const earthRadiusKm = 6371.0088 // mean radius (IUGG)

// DefaultRangeKm is Pinpoint's GPSPoint range when RangeInKilometers is absent.
const DefaultRangeKm = 100

func newGPSPoint(lat, lon, rangeKm float64) *gpsPoint {
	g := &gpsPoint{lat: lat * math.Pi / 180, lon: lon * math.Pi / 180, latDeg: lat, lonDeg: lon, rangeKm: rangeKm}
	g.cosLat = math.Cos(g.lat)
	half := rangeKm / earthRadiusKm / 2
	if half >= math.Pi/2 {
		g.maxHav = math.Inf(1) // the whole Earth
	} else {
		s := math.Sin(half)
		g.maxHav = s * s
	}
	return g
}

func (g *gpsPoint) within(latDeg, lonDeg float64) bool {
	lat := latDeg * math.Pi / 180
	sLat := math.Sin((lat - g.lat) / 2)
	sLon := math.Sin((lonDeg*math.Pi/180 - g.lon) / 2)
	h := sLat*sLat + g.cosLat*math.Cos(lat)*sLon*sLon
	return h <= g.maxHav
}

// ---- compilation (validation is compilation) ----

// Lookup returns one version of a segment (version 0: the latest), or an
// error with code ENOTFOUND when there is none.
type Lookup func(id string, version int) (*inapp.Segment, error)

// MaxDimensions is the most dimensions a segment may have (Pinpoint's quota),
// counting every attribute, metric, demographic, location and recency
// criterion across Dimensions and all groups.
const MaxDimensions = 100

// maxDepth bounds chains of source segments.
const maxDepth = 16

// Compiler compiles segments, resolving source segments through its Lookup
// and compiling each referenced version once. Use one Compiler per snapshot
// build; it is not safe for concurrent use.
type Compiler struct {
	lookup Lookup
	conds  *CondTable          // numbers the conditions, when set
	refs   map[segRef]*Segment // by requested and by resolved (id, version)
	stack  []segRef
}

type segRef struct {
	id      string
	version int
}

// NewCompiler returns a Compiler that resolves source segments with lookup
// (nil: a segment with source segments does not compile).
func NewCompiler(lookup Lookup) *Compiler {
	return &Compiler{lookup: lookup, refs: make(map[segRef]*Segment)}
}

// InternConds makes c number the conditions it compiles in t, so that a
// Memo can share their results among segments (see memo.go).
func (c *Compiler) InternConds(t *CondTable) { c.conds = t }

// CompileSegment validates and compiles one segment. Its source segments
// are resolved through lookup and compiled recursively; a cycle is an error.
//
// A DIMENSIONAL segment without dimensions or groups matches every endpoint.
// An IMPORT segment matches the endpoints that Subject.Member says belong to
// it (and that satisfy its dimensions, if it has any); without a Member
// function it matches nothing.
//
// Errors are *inapp.Error with code EINVALID naming the member at fault;
// errors of lookup other than ENOTFOUND are returned as they are.
func CompileSegment(seg *inapp.Segment, lookup Lookup) (*Segment, error) {
	return NewCompiler(lookup).Compile(seg)
}

// Compile compiles seg, as CompileSegment does.
func (c *Compiler) Compile(seg *inapp.Segment) (*Segment, error) {
	if seg == nil {
		return nil, invalid("Segment", "missing")
	}
	key := segRef{seg.ID, seg.Version}
	if seg.ID != "" {
		if s, ok := c.refs[key]; ok {
			return s, nil
		}
	}
	c.stack = append(c.stack, key)
	defer func() { c.stack = c.stack[:len(c.stack)-1] }()

	s := &Segment{id: seg.ID, version: seg.Version, name: seg.Name}
	switch seg.SegmentType {
	case "", "DIMENSIONAL":
	case "IMPORT":
		s.imported = true
	default:
		return nil, notOneOf("SegmentType", seg.SegmentType, segmentTypes)
	}
	st := &compileState{c: c}
	if err := st.segment(s, seg.Dimensions, seg.SegmentGroups); err != nil {
		return nil, err
	}
	if seg.ID != "" {
		c.refs[key] = s
	}
	return s, nil
}

// CompileRef compiles the segment a campaign refers to (SegmentId and
// SegmentVersion; version 0 is the latest). Errors of lookup are returned
// as they are.
func (c *Compiler) CompileRef(id string, version int) (*Segment, error) {
	if s, ok := c.refs[segRef{id, version}]; ok {
		return s, nil
	}
	if c.lookup == nil {
		return nil, inapp.Errorf(inapp.EINVALID, "segment %q cannot be resolved: no segment lookup", id)
	}
	seg, err := c.lookup(id, version)
	if err != nil {
		return nil, err
	}
	if seg == nil {
		return nil, inapp.Errorf(inapp.ENOTFOUND, "segment %q not found", id)
	}
	s, err := c.Compile(seg)
	if err != nil {
		return nil, err
	}
	c.refs[segRef{id, version}] = s
	return s, nil
}

// source resolves and compiles a SegmentReference found at path.
func (c *Compiler) source(id string, version int, path string) (*Segment, error) {
	if s, ok := c.refs[segRef{id, version}]; ok {
		return s, nil
	}
	if c.lookup == nil {
		return nil, invalid(path, "segment %q cannot be resolved (no segment lookup)", id)
	}
	seg, err := c.lookup(id, version)
	if err != nil && inapp.ErrorCode(err) != inapp.ENOTFOUND {
		return nil, err
	}
	if err != nil || seg == nil {
		if version == 0 {
			return nil, invalid(path+".Id", "segment %q does not exist", id)
		}
		return nil, invalid(path+".Version", "segment %q has no version %d", id, version)
	}
	key := segRef{seg.ID, seg.Version}
	for i, r := range c.stack {
		if r == key {
			chain := make([]string, 0, len(c.stack)-i+1)
			for _, r := range c.stack[i:] {
				chain = append(chain, fmt.Sprintf("%q", r.id))
			}
			chain = append(chain, fmt.Sprintf("%q", seg.ID))
			return nil, invalid(path, "source segments form a cycle: %s", strings.Join(chain, " → "))
		}
	}
	if len(c.stack) >= maxDepth {
		return nil, invalid(path, "source segments are nested more than %d deep", maxDepth)
	}
	s, err := c.Compile(seg)
	if err != nil {
		var e *inapp.Error
		if errors.As(err, &e) && e.Code == inapp.EINVALID {
			return nil, invalid(path, "segment %q version %d: %s", seg.ID, seg.Version, e.Message)
		}
		return nil, err
	}
	c.refs[segRef{id, version}] = s
	return s, nil
}

// compileState is one segment's compilation; c is nil when only validating
// (source segments are then checked for form, not resolved).
type compileState struct {
	c *Compiler
}

// ValidateSegment checks a WriteSegmentRequest: every enum, required member,
// date and coordinate, Dimensions XOR SegmentGroups, one group at most and
// MaxDimensions. Source segments are checked for form only; CompileSegment
// with a lookup also checks that they exist.
func ValidateSegment(req *inapp.SegmentRequest) error {
	if req == nil {
		return invalid("WriteSegmentRequest", "missing")
	}
	return (&compileState{}).segment(&Segment{}, req.Dimensions, req.SegmentGroups)
}

// ValidateSegmentDimensions checks one SegmentDimensions found at path
// (e.g. "Dimensions", "SegmentGroups.Groups[0].Dimensions[1]").
func ValidateSegmentDimensions(d *inapp.SegmentDimensions, path string) error {
	if d == nil {
		return nil
	}
	if n := countDims(d); n > MaxDimensions {
		return invalid(path, "%d dimensions given; a segment takes at most %d", n, MaxDimensions)
	}
	_, err := (&compileState{}).dims(d, path)
	return err
}

// ValidateSegmentGroups checks one SegmentGroupList found at path (e.g.
// "SegmentGroups"). Source segments are checked for form only.
func ValidateSegmentGroups(g *inapp.SegmentGroupList, path string) error {
	if g == nil {
		return nil
	}
	n := 0
	for _, grp := range g.Groups {
		if grp != nil {
			for _, d := range grp.Dimensions {
				n += countDims(d)
			}
		}
	}
	if n > MaxDimensions {
		return invalid(path, "%d dimensions given; a segment takes at most %d", n, MaxDimensions)
	}
	return (&compileState{}).groups(&Segment{}, g, path)
}

func (st *compileState) segment(s *Segment, d *inapp.SegmentDimensions, g *inapp.SegmentGroupList) error {
	// An empty Dimensions object next to SegmentGroups is harmless: ignore it.
	if d != nil && g != nil && countDims(d) > 0 {
		return invalid("Dimensions", "a segment takes Dimensions or SegmentGroups, not both; move these dimensions into SegmentGroups.Groups[0].Dimensions")
	}
	n, path := countDims(d), "Dimensions"
	if g != nil {
		path = "SegmentGroups"
		for _, grp := range g.Groups {
			if grp != nil {
				for _, dd := range grp.Dimensions {
					n += countDims(dd)
				}
			}
		}
	}
	if n > MaxDimensions {
		return invalid(path, "%d dimensions given; a segment takes at most %d", n, MaxDimensions)
	}
	if d != nil && g == nil {
		cs, err := st.dims(d, "Dimensions")
		if err != nil {
			return err
		}
		s.dims = cs
	}
	if g != nil {
		return st.groups(s, g, "SegmentGroups")
	}
	return nil
}

// countDims counts the criteria of d.
func countDims(d *inapp.SegmentDimensions) int {
	if d == nil {
		return 0
	}
	n := len(d.Attributes) + len(d.UserAttributes) + len(d.Metrics)
	if d.Behavior != nil && d.Behavior.Recency != nil {
		n++
	}
	if m := d.Demographic; m != nil {
		for _, x := range []*inapp.SetDimension{m.AppVersion, m.Channel, m.DeviceType, m.Make, m.Model, m.Platform} {
			if x != nil {
				n++
			}
		}
	}
	if l := d.Location; l != nil {
		if l.Country != nil {
			n++
		}
		if l.GPSPoint != nil {
			n++
		}
	}
	return n
}

func (st *compileState) groups(s *Segment, g *inapp.SegmentGroupList, path string) error {
	inc, ok := parseSetOp(g.Include, opAll)
	if !ok {
		return notOneOf(path+".Include", g.Include, groupOps)
	}
	if len(g.Groups) > 1 {
		return invalid(path+".Groups", "%d groups given; a segment takes one group", len(g.Groups))
	}
	s.include = inc
	for i, grp := range g.Groups {
		gp := fmt.Sprintf("%s.Groups[%d]", path, i)
		if grp == nil {
			return invalid(gp, "is null")
		}
		var cg group
		if cg.typ, ok = parseSetOp(grp.Type, opAll); !ok {
			return notOneOf(gp+".Type", grp.Type, groupOps)
		}
		if cg.sourceOp, ok = parseSetOp(grp.SourceType, opAny); !ok {
			return notOneOf(gp+".SourceType", grp.SourceType, groupOps)
		}
		for j, d := range grp.Dimensions {
			dp := fmt.Sprintf("%s.Dimensions[%d]", gp, j)
			if d == nil {
				return invalid(dp, "is null")
			}
			cs, err := st.dims(d, dp)
			if err != nil {
				return err
			}
			cg.dims = append(cg.dims, cs)
		}
		// Check the form of every reference before resolving any.
		versions := make([]int, len(grp.SourceSegments))
		for j, r := range grp.SourceSegments {
			rp := fmt.Sprintf("%s.SourceSegments[%d]", gp, j)
			if r == nil {
				return invalid(rp, "is null")
			}
			if r.ID == "" {
				return invalid(rp+".Id", "required")
			}
			if r.Version != nil {
				if *r.Version < 1 {
					return invalid(rp+".Version", "%d is not a segment version; versions start at 1 (leave Version out for the latest)", *r.Version)
				}
				versions[j] = *r.Version
			}
		}
		var imported string
		for j, r := range grp.SourceSegments {
			if st.c == nil {
				break
			}
			src, err := st.c.source(r.ID, versions[j], fmt.Sprintf("%s.SourceSegments[%d]", gp, j))
			if err != nil {
				return err
			}
			if src.imported && imported == "" {
				imported = src.id
			}
			cg.sources = append(cg.sources, src)
		}
		if imported != "" && len(cg.sources) > 1 {
			return invalid(gp+".SourceSegments", "imported segment %q must be the only source segment; %d given (a group takes several dimensional segments or one imported segment)", imported, len(cg.sources))
		}
		s.groups = append(s.groups, cg)
	}
	return nil
}

// dims compiles one SegmentDimensions; members are checked in the model's
// order, map keys in sorted order.
func (st *compileState) dims(d *inapp.SegmentDimensions, path string) ([]cond, error) {
	var cs []cond
	for _, name := range sortedKeys(d.Attributes) {
		c, err := compileAttr(path+".Attributes."+name, d.Attributes[name])
		if err != nil {
			return nil, err
		}
		c.kind, c.name = condAttr, name
		st.number(&c, d.Attributes[name])
		cs = append(cs, c)
	}
	if b := d.Behavior; b != nil && b.Recency != nil {
		c, err := compileRecency(path+".Behavior.Recency", b.Recency)
		if err != nil {
			return nil, err
		}
		st.number(&c, b.Recency)
		cs = append(cs, c)
	}
	if m := d.Demographic; m != nil {
		for _, f := range []struct {
			name  string
			dim   *inapp.SetDimension
			field uint8
		}{
			{"AppVersion", m.AppVersion, fieldAppVersion},
			{"Channel", m.Channel, fieldChannel},
			{"DeviceType", m.DeviceType, fieldDeviceType},
			{"Make", m.Make, fieldMake},
			{"Model", m.Model, fieldModel},
			{"Platform", m.Platform, fieldPlatform},
		} {
			if f.dim == nil {
				continue
			}
			c, err := compileSet(path+".Demographic."+f.name, f.dim, true)
			if err != nil {
				return nil, err
			}
			c.kind, c.field = condDemo, f.field
			st.number(&c, f.dim)
			cs = append(cs, c)
		}
	}
	if l := d.Location; l != nil {
		if l.Country != nil {
			c, err := compileSet(path+".Location.Country", l.Country, true)
			if err != nil {
				return nil, err
			}
			c.kind = condCountry
			st.number(&c, l.Country)
			cs = append(cs, c)
		}
		if l.GPSPoint != nil {
			g, err := compileGPS(path+".Location.GPSPoint", l.GPSPoint)
			if err != nil {
				return nil, err
			}
			c := cond{kind: condGPS, gps: g}
			st.number(&c, l.GPSPoint)
			cs = append(cs, c)
		}
	}
	for _, name := range sortedKeys(d.Metrics) {
		c, err := compileMetric(path+".Metrics."+name, d.Metrics[name])
		if err != nil {
			return nil, err
		}
		c.kind, c.name = condMetric, name
		st.number(&c, d.Metrics[name])
		cs = append(cs, c)
	}
	for _, name := range sortedKeys(d.UserAttributes) {
		c, err := compileAttr(path+".UserAttributes."+name, d.UserAttributes[name])
		if err != nil {
			return nil, err
		}
		c.kind, c.name = condUserAttr, name
		st.number(&c, d.UserAttributes[name])
		cs = append(cs, c)
	}
	sort.SliceStable(cs, func(i, j int) bool { return cost(&cs[i]) < cost(&cs[j]) })
	return cs, nil
}

// number gives c its CondTable number when the compiler numbers
// conditions; dim is what c was compiled from.
func (st *compileState) number(c *cond, dim any) {
	if st.c == nil || st.c.conds == nil {
		return
	}
	if key := condKey(c.kind, c.field, c.name, dim); key != "" {
		c.id = st.c.conds.intern(key)
	}
}

// cost orders the conditions of an AND, cheapest first (the order does not
// change the result): substring and date comparisons, which scan or parse
// endpoint values, come after exact ones; GPS comes last.
func cost(c *cond) int {
	if (c.kind == condAttr || c.kind == condUserAttr) && c.op >= attrContains {
		return int(condGPS)*2 - 1
	}
	return int(c.kind) * 2
}

// compileAttr compiles an AttributeDimension (endpoint, user or event
// attribute); the caller sets kind and name.
func compileAttr(path string, a *inapp.AttributeDimension) (cond, error) {
	var c cond
	if a == nil {
		return c, invalid(path, "is null; give AttributeType and Values")
	}
	typ := a.AttributeType
	if typ == "" {
		typ = "INCLUSIVE"
	}
	if !oneOf(typ, attributeTypes) {
		return c, notOneOf(path+".AttributeType", a.AttributeType, attributeTypes)
	}
	if len(a.Values) == 0 {
		return c, invalid(path+".Values", "required; give at least one value")
	}
	switch typ {
	case "INCLUSIVE":
		c.op, c.set = attrIn, newSet(a.Values, false)
		return c, nil
	case "EXCLUSIVE":
		c.op, c.set = attrNotIn, newSet(a.Values, false)
		return c, nil
	case "CONTAINS":
		c.op, c.set = attrContains, valueSet{vals: append([]string(nil), a.Values...)}
		return c, nil
	}
	if typ == "BETWEEN" && len(a.Values) != 2 {
		return c, invalid(path+".Values", "BETWEEN takes exactly 2 values (from and to); %d given", len(a.Values))
	}
	// Date types compare instants (t0, t1, days); the values as given are
	// kept for explanations only.
	c.set = valueSet{vals: append([]string(nil), a.Values...)}
	var lo, hi isoTime
	for i, v := range a.Values {
		p, ok := parseISO(v)
		if !ok {
			return c, invalid(fmt.Sprintf("%s.Values[%d]", path, i), "%q is not an ISO 8601 date or date and time (AttributeType %s compares dates, e.g. \"2026-02-05\" or \"2026-02-05T10:00:00Z\")", v, typ)
		}
		if i == 0 || p.instant.Before(lo.instant) {
			lo = p
		}
		if i == 0 || !p.instant.Before(hi.instant) {
			hi = p
		}
		c.days = append(c.days, dayNumber(p.instant))
	}
	switch typ {
	case "BEFORE": // before any of the values: before the latest
		c.op, c.t0, c.days = attrBefore, hi.instant, nil
	case "AFTER": // after any of the values: after the earliest
		c.op, c.t0, c.days = attrAfter, lo.instant, nil
	case "ON":
		c.op = attrOn
	case "BETWEEN": // inclusive, in either order; a bare upper date covers its whole day
		c.op, c.t0, c.t1, c.days = attrBetween, lo.instant, hi.instant, nil
		if hi.dateOnly {
			c.t1 = c.t1.Add(24*time.Hour - time.Nanosecond)
		}
	}
	return c, nil
}

// compileSet compiles a SetDimension; the caller sets kind and field.
func compileSet(path string, d *inapp.SetDimension, fold bool) (cond, error) {
	var c cond
	if d == nil {
		return c, invalid(path, "is null; give DimensionType and Values")
	}
	switch d.DimensionType {
	case "", "INCLUSIVE":
	case "EXCLUSIVE":
		c.op = 1
	default:
		return c, notOneOf(path+".DimensionType", d.DimensionType, dimensionTypes)
	}
	if len(d.Values) == 0 {
		return c, invalid(path+".Values", "required; give at least one value")
	}
	c.set = newSet(d.Values, fold)
	return c, nil
}

func compileMetric(path string, m *inapp.MetricDimension) (cond, error) {
	var c cond
	if m == nil {
		return c, invalid(path, "is null; give ComparisonOperator and Value")
	}
	op, err := parseComparison(path, m)
	if err != nil {
		return c, err
	}
	c.op, c.num = op, *m.Value
	return c, nil
}

func parseComparison(path string, m *inapp.MetricDimension) (uint8, error) {
	var op uint8
	switch m.ComparisonOperator {
	case "":
		return 0, invalid(path+".ComparisonOperator", "required; one of %s", strings.Join(comparisonOps, ", "))
	case "GREATER_THAN":
		op = cmpGT
	case "LESS_THAN":
		op = cmpLT
	case "GREATER_THAN_OR_EQUAL":
		op = cmpGE
	case "LESS_THAN_OR_EQUAL":
		op = cmpLE
	case "EQUAL":
		op = cmpEQ
	default:
		return 0, notOneOf(path+".ComparisonOperator", m.ComparisonOperator, comparisonOps)
	}
	if m.Value == nil {
		return 0, invalid(path+".Value", "required; give a number")
	}
	return op, nil
}

func compileRecency(path string, r *inapp.RecencyDimension) (cond, error) {
	c := cond{kind: condRecency}
	switch r.Duration {
	case "":
		return c, invalid(path+".Duration", "required; one of %s", strings.Join(durations, ", "))
	case "HR_24":
		c.dur = 24 * time.Hour
	case "DAY_7":
		c.dur = 7 * 24 * time.Hour
	case "DAY_14":
		c.dur = 14 * 24 * time.Hour
	case "DAY_30":
		c.dur = 30 * 24 * time.Hour
	default:
		return c, notOneOf(path+".Duration", r.Duration, durations)
	}
	switch r.RecencyType {
	case "":
		return c, invalid(path+".RecencyType", "required; one of %s", strings.Join(recencyTypes, ", "))
	case "ACTIVE":
	case "INACTIVE":
		c.op = 1
	default:
		return c, notOneOf(path+".RecencyType", r.RecencyType, recencyTypes)
	}
	return c, nil
}

func compileGPS(path string, g *inapp.GPSPointDimension) (*gpsPoint, error) {
	co := g.Coordinates
	if co == nil {
		return nil, invalid(path+".Coordinates", "required; give Latitude and Longitude")
	}
	if co.Latitude == nil {
		return nil, invalid(path+".Coordinates.Latitude", "required; give a number from -90 to 90")
	}
	if lat := *co.Latitude; !(lat >= -90 && lat <= 90) {
		return nil, invalid(path+".Coordinates.Latitude", "%v is out of range; give a number from -90 to 90", lat)
	}
	if co.Longitude == nil {
		return nil, invalid(path+".Coordinates.Longitude", "required; give a number from -180 to 180")
	}
	if lon := *co.Longitude; !(lon >= -180 && lon <= 180) {
		return nil, invalid(path+".Coordinates.Longitude", "%v is out of range; give a number from -180 to 180", lon)
	}
	r := float64(DefaultRangeKm)
	if g.RangeInKilometers != nil {
		r = *g.RangeInKilometers
		if !(r >= 0) || math.IsInf(r, 1) {
			return nil, invalid(path+".RangeInKilometers", "%v is out of range; give a distance of 0 km or more", r)
		}
	}
	return newGPSPoint(*co.Latitude, *co.Longitude, r), nil
}
