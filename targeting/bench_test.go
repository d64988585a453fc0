package targeting

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	inapp "github.com/inappd/inappd"
)

// benchDimension returns one random dimension (as SegmentDimensions JSON
// members) of the kinds segments use.
// With all, every dimension matches the tokyo endpoint (the worst case:
// no AND stops early).
func benchDimension(r *rand.Rand, i int, all bool) string {
	pick := func(vs ...string) string {
		n := r.IntN(len(vs))
		if all {
			n = 0
		}
		return vs[n]
	}
	switch r.IntN(13) {
	case 0:
		return fmt.Sprintf(`"Attributes":{"plan":{"Values":[%s,"p%d"]}}`, pick(`"pro","team"`, `"pro"`, `"free","basic"`), i)
	case 1:
		return fmt.Sprintf(`"Attributes":{"interests":{"AttributeType":"EXCLUSIVE","Values":[%s,"i%d"]}}`, pick(`"chess"`, `"chess","poker"`, `"golf"`), i)
	case 2:
		return fmt.Sprintf(`"Attributes":{"interests":{"AttributeType":"CONTAINS","Values":[%s]}}`, pick(`"enn","olf"`, `"xyz"`))
	case 3:
		return fmt.Sprintf(`"Attributes":{"signup":{"AttributeType":"AFTER","Values":["2026-0%s-%02dT00:00:00Z"]}}`, pick("1", "2", "3"), 1+r.IntN(28))
	case 4:
		return `"Attributes":{"signup":{"AttributeType":"BETWEEN","Values":["2026-02-01","2026-02-28"]}}`
	case 5:
		return fmt.Sprintf(`"UserAttributes":{"tier":{"Values":[%s]}}`, pick(`"gold","platinum"`, `"silver"`))
	case 6:
		return fmt.Sprintf(`"Metrics":{"purchases":{"ComparisonOperator":"GREATER_THAN_OR_EQUAL","Value":%s}}`, pick("3", "0", "1", "2", "4", "5"))
	case 7:
		return fmt.Sprintf(`"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":%s}}`, pick(`"ACTIVE"`, `"ACTIVE"`, `"INACTIVE"`))
	case 8:
		return fmt.Sprintf(`"Demographic":{"Platform":{"Values":[%s]}}`, pick(`"ios","android"`, `"ios"`, `"android"`, `"web"`))
	case 9:
		vs := make([]string, 12)
		for j := range vs {
			vs[j] = fmt.Sprintf(`"%s.%d.0"`, pick("2", "1"), j)
		}
		return `"Demographic":{"AppVersion":{"Values":[` + strings.Join(vs, ",") + `]}}`
	case 10:
		return fmt.Sprintf(`"Location":{"Country":{"Values":[%s]}}`, pick(`"JP","US","DE"`, `"US"`, `"FR","DE"`))
	case 11:
		return `"Location":{"GPSPoint":{"Coordinates":{"Latitude":35.4437,"Longitude":139.6380},"RangeInKilometers":50}}`
	default:
		return fmt.Sprintf(`"Attributes":{"a%d":{"AttributeType":"EXCLUSIVE","Values":["x"]}}`, i%7)
	}
}

// benchSegments compiles n segments of 3 to 5 dimensions each (distinct
// members, so one JSON object can hold them).
func benchSegments(tb testing.TB, n int) []*Segment { return benchSegmentsOf(tb, n, false) }

func benchSegmentsOf(tb testing.TB, n int, all bool) []*Segment {
	return benchSegmentsWith(tb, n, all, nil)
}

// benchSegmentsWith compiles the segments of benchSegmentsOf, numbering
// their conditions in table when it is not nil.
func benchSegmentsWith(tb testing.TB, n int, all bool, table *CondTable) []*Segment {
	r := rand.New(rand.NewPCG(1, 2))
	compiler := NewCompiler(nil)
	if table != nil {
		compiler.InternConds(table)
	}
	segs := make([]*Segment, 0, n)
	for i := 0; i < n; i++ {
		want := 3 + r.IntN(3)
		d := &inapp.SegmentDimensions{}
		for countDims(d) < want {
			var part inapp.SegmentDimensions
			if err := jsonUnmarshal(`{`+benchDimension(r, i, all)+`}`, &part); err != nil {
				tb.Fatal(err)
			}
			merge(d, &part)
		}
		s, err := compiler.Compile(&inapp.Segment{ID: fmt.Sprint("seg-", i), Version: 1, SegmentType: "DIMENSIONAL", Dimensions: d})
		if err != nil {
			tb.Fatal(err)
		}
		segs = append(segs, s)
	}
	return segs
}

func merge(d, p *inapp.SegmentDimensions) {
	for _, m := range []struct {
		dst *map[string]*inapp.AttributeDimension
		src map[string]*inapp.AttributeDimension
	}{{&d.Attributes, p.Attributes}, {&d.UserAttributes, p.UserAttributes}} {
		for k, v := range m.src {
			if *m.dst == nil {
				*m.dst = map[string]*inapp.AttributeDimension{}
			}
			(*m.dst)[k] = v
		}
	}
	for k, v := range p.Metrics {
		if d.Metrics == nil {
			d.Metrics = map[string]*inapp.MetricDimension{}
		}
		d.Metrics[k] = v
	}
	if p.Behavior != nil {
		d.Behavior = p.Behavior
	}
	if p.Demographic != nil {
		if d.Demographic == nil {
			d.Demographic = &inapp.SegmentDemographics{}
		}
		if p.Demographic.Platform != nil {
			d.Demographic.Platform = p.Demographic.Platform
		}
		if p.Demographic.AppVersion != nil {
			d.Demographic.AppVersion = p.Demographic.AppVersion
		}
	}
	if p.Location != nil {
		if d.Location == nil {
			d.Location = &inapp.SegmentLocation{}
		}
		if p.Location.Country != nil {
			d.Location.Country = p.Location.Country
		}
		if p.Location.GPSPoint != nil {
			d.Location.GPSPoint = p.Location.GPSPoint
		}
	}
}

func benchSubject() *Subject {
	return &Subject{Endpoint: tokyo(), Now: now, LastActive: now.Add(-time.Hour)}
}

func BenchmarkMatch1000Segments(b *testing.B) {
	benchMatch(b, benchSegments(b, 1000))
}

// Every dimension of every segment evaluated.
func BenchmarkMatch1000SegmentsAllMatch(b *testing.B) {
	benchMatch(b, benchSegmentsOf(b, 1000, true))
}

// The same segments with their conditions numbered, and a Memo per op as
// GetInAppMessages keeps one per request: shared conditions are evaluated
// once.
func BenchmarkMatch1000SegmentsMemo(b *testing.B) {
	table := NewCondTable()
	segs := benchSegmentsWith(b, 1000, false, table)
	var memo Memo
	benchMatchMemo(b, segs, &memo, table.Len())
	b.ReportMetric(float64(table.Len()-1), "conditions")
}

func benchMatch(b *testing.B, segs []*Segment) { benchMatchMemo(b, segs, nil, 0) }

func benchMatchMemo(b *testing.B, segs []*Segment, memo *Memo, n int) {
	sub := benchSubject()
	sub.Memo = memo
	matched := 0
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		matched = 0
		if memo != nil {
			memo.Reset(n)
		}
		for _, s := range segs {
			if s.Match(sub) {
				matched++
			}
		}
	}
	b.ReportMetric(float64(matched), "matched/op")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(segs)), "ns/segment")
}

// Segments built from groups over shared source segments (the other shape
// the console produces).
func BenchmarkMatch1000GroupSegments(b *testing.B) {
	base := benchSegments(b, 50)
	st := &store{}
	for i := range base {
		st.add(&inapp.Segment{ID: base[i].ID(), Dimensions: dims(b, `{"Demographic":{"Platform":{"Values":["ios"]}}}`)})
	}
	c := NewCompiler(st.lookup)
	r := rand.New(rand.NewPCG(3, 4))
	segs := make([]*Segment, 0, 1000)
	for i := 0; i < 1000; i++ {
		js := fmt.Sprintf(`{"Include":"ALL","Groups":[{"Type":"ANY","SourceType":"ANY","SourceSegments":[{"Id":"seg-%d"},{"Id":"seg-%d"}],"Dimensions":[{%s},{%s}]}]}`,
			r.IntN(50), r.IntN(50), benchDimension(r, i, false), benchDimension(r, i, false))
		s, err := c.Compile(groupsSeg(b, fmt.Sprint("g-", i), js))
		if err != nil {
			b.Fatal(err)
		}
		segs = append(segs, s)
	}
	sub := benchSubject()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, s := range segs {
			s.Match(sub)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(segs)), "ns/segment")
}

func TestMatchDoesNotAllocate(t *testing.T) {
	segs := benchSegments(t, 1000)
	sub := benchSubject()
	matched := 0
	allocs := testing.AllocsPerRun(20, func() {
		for _, s := range segs {
			if s.Match(sub) {
				matched++
			}
		}
	})
	if allocs != 0 {
		t.Errorf("Match over 1,000 segments: %v allocations, want 0", allocs)
	}
	if matched == 0 || matched == 21*len(segs) {
		t.Errorf("the benchmark's segments should match some endpoints, not all or none (%d)", matched)
	}
	s, _ := CompileSchedule(sched(t, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-01T18:00:00Z","IsLocalTime":true}`), time.Time{})
	Zone("Asia/Tokyo")
	if a := testing.AllocsPerRun(100, func() { s.Live(now, "Asia/Tokyo") }); a != 0 {
		t.Errorf("Live: %v allocations", a)
	}
	if a := testing.AllocsPerRun(100, func() { Assign("campaign", "endpoint", 10, []int{50, 50}) }); a != 0 {
		t.Errorf("Assign: %v allocations", a)
	}
}

func BenchmarkCompile1000Segments(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		benchSegments(b, 1000)
	}
}

func BenchmarkLiveLocalTime(b *testing.B) {
	s, err := CompileSchedule(sched(b, `{"StartTime":"2026-03-01T09:00:00Z","EndTime":"2026-03-01T18:00:00Z","IsLocalTime":true}`), time.Time{})
	if err != nil {
		b.Fatal(err)
	}
	at := ts("2026-03-01T03:00:00Z")
	b.ReportAllocs()
	for b.Loop() {
		s.Live(at, "Asia/Tokyo")
	}
}

func BenchmarkAssign(b *testing.B) {
	sizes := []int{50, 30, 20}
	b.ReportAllocs()
	for b.Loop() {
		Assign("4c545b28d21a490cb51b0b364example", "3f2a9c1e-8d4b-4b7a-9e6f-0a1b2c3d4e5f", 10, sizes)
	}
}

func BenchmarkParseISO(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		parseISO("2026-02-10T08:00:00.123Z")
	}
}

func BenchmarkLocalDay(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		LocalDay(now, "America/Los_Angeles")
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }
