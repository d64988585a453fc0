package delivery

import (
	"cmp"
	"context"
	"fmt"
	"hash/fnv"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"sync"
	"time"

	gojson "github.com/goccy/go-json"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/endpointdoc"
	"github.com/inappd/inappd/targeting"
)

// snapshot is one app's campaigns, compiled and sorted by priority.
type snapshot struct {
	// stamp is the app's invalidation count it covers (appState.version).
	stamp uint64
	// changes is the source's change version it was built after
	// (ChangeVersions), -1 when the source does not number its changes.
	changes int64
	entries []*entry // the campaigns that can deliver
	// held are the campaigns that cannot (paused, or broken: their
	// segment or template is gone), in the same order. GetInAppMessages
	// never looks at them; Explain does, and test sends may show them.
	held []*entry
	// tests are the live test sends (at build time) by endpoint ID,
	// newest first.
	tests map[string][]*testSend
	// segments are the app's segments it was compiled with, as read: the
	// next build reads only those that changed (see Versions).
	segments []*inapp.Segment
	// inputs fingerprints the settings and segments it was compiled with
	// (inputsOf): the next build reuses its entries if they did not change.
	inputs uint64
	// conds numbers the segments' conditions (shared with the previous
	// snapshot when its entries are reused); ncond is its length once this
	// snapshot was built: the size of a request's targeting.Memo.
	conds *targeting.CondTable
	ncond int
	// reads are the endpoint map entries the entries' segments read;
	// decoders decode endpoints keeping only those (GetInAppMessages).
	reads        targeting.Reads
	decoders     *sync.Pool // shared by copies of the snapshot (same reads)
	usesCaps     bool       // some campaign has a daily or total cap
	usesActivity bool       // some segment looks at Behavior.Recency
	// some segment is (or is built on) an IMPORT segment
	usesMembership bool
}

// entry is one campaign, ready to evaluate. GetInAppMessages reads the
// first fields of every entry it evaluates; what only sorting and Explain
// read is behind one pointer, which keeps entries small (112 bytes) for
// the hot loop.
type entry struct {
	id       string
	segment  *targeting.Segment // nil: every endpoint of the app
	holdout  int
	sizes    []int // SizePercent per treatment, main treatment first
	daily    int
	total    int
	priority int
	// per treatment: its schedule and its pre-encoded InAppMessageCampaign
	treatments []treatment
	*about
}

// about is the rest of an entry.
type about struct {
	camp    *inapp.Campaign // as stored
	endTime time.Time       // zero: no end
	session int             // the session cap, which devices count
	// broken says why the campaign cannot be delivered at all ("" when it
	// compiled); a broken entry has no treatments and maybe no segment.
	broken string
	// segmentGone: broken because its segment was deleted (state DELETED).
	segmentGone bool
}

type treatment struct {
	schedule *targeting.Schedule
	body     []byte
}

// testSend is a live test send: its campaign's main message, encoded to
// show first (see encodeTest).
type testSend struct {
	campaignID string
	expires    time.Time
	body       []byte
	broken     string // why no body could be made ("" when there is one)
}

// deliverable reports whether GetInAppMessages evaluates the campaign.
func (c *entry) deliverable() bool { return c.broken == "" && !c.camp.IsPaused }

// The checks GetInAppMessages runs on a campaign; Explain words each with
// the same code (Segment.Explain decides with Match, Schedule.Explain with
// Live).

// capped: has the endpoint reached the daily or total cap?
func (c *entry) capped(counts map[string]inapp.CapCount) bool {
	if c.daily > 0 || c.total > 0 {
		n := counts[c.id]
		return c.daily > 0 && n.Day >= c.daily || c.total > 0 && n.Total >= c.total
	}
	return false
}

// assign: the endpoint's treatment, or the holdout.
func (c *entry) assign(endpointID string) (treatment int, holdout bool) {
	return targeting.Assign(c.id, endpointID, c.holdout, c.sizes)
}

// evaluate reports which treatment of the campaign the endpoint gets now,
// or ok false when the campaign does not apply to it.
func (c *entry) evaluate(s *targeting.Subject, tz string, counts map[string]inapp.CapCount) (treatment int, ok bool) {
	if c.segment != nil && !c.segment.Match(s) || c.capped(counts) {
		return 0, false
	}
	i, holdout := c.assign(s.Endpoint.ID)
	if holdout || !c.treatments[i].schedule.Live(s.Now, tz) {
		return 0, false
	}
	return i, true
}

// decoder returns an endpoint decoder for this snapshot's segments; give
// it back to decoders once done with what it decoded.
func (s *snapshot) decoder() *endpointdoc.Decoder {
	if d, ok := s.decoders.Get().(*endpointdoc.Decoder); ok {
		return d
	}
	return endpointdoc.New(s.reads.Attributes, s.reads.UserAttributes, s.reads.Metrics)
}

// build compiles the app's campaigns and its test sends live at now into
// a snapshot. The entries of prev (the app's previous snapshot, or nil)
// are reused for the campaigns that did not change since (see reusable).
func build(ctx context.Context, src Source, appID string, now time.Time, prev *snapshot) (*snapshot, error) {
	settings, camps, segs, err := fetch(ctx, src, appID, prev)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{segments: segs, decoders: &sync.Pool{}}
	if len(camps) == 0 {
		return snap, nil
	}
	latest := make(map[string]*inapp.Segment, len(segs))
	for _, s := range segs {
		latest[s.ID] = s
	}
	snap.inputs = inputsOf(settings, segs)
	var prior map[string]*entry // prev's entries, when they can be reused
	if prev != nil && prev.inputs == snap.inputs {
		prior = make(map[string]*entry, len(prev.entries)+len(prev.held))
		for _, list := range [][]*entry{prev.entries, prev.held} {
			for _, e := range list {
				prior[e.id] = e
			}
		}
	}
	lookup := func(id string, version int) (*inapp.Segment, error) {
		if s, ok := latest[id]; ok && (version == 0 || version == s.Version) {
			return s, nil
		}
		return src.GetSegment(ctx, appID, id, version)
	}
	// Reused entries keep their condition numbers, so they keep the table
	// they were numbered in.
	if prior != nil && prev.conds != nil {
		snap.conds = prev.conds
	} else {
		snap.conds = targeting.NewCondTable()
	}
	var templatesMu sync.Mutex // the compiling goroutines share the cache
	templates := map[inapp.TemplateRef]*inapp.Template{}
	template := func(ref inapp.TemplateRef) (*inapp.Template, error) {
		templatesMu.Lock()
		defer templatesMu.Unlock()
		if t, ok := templates[ref]; ok {
			return t, nil
		}
		t, err := src.GetTemplate(ctx, ref.Name, ref.Version)
		if err != nil {
			return nil, err
		}
		templates[ref] = t
		return t, nil
	}
	// Entries in two blocks rather than two objects per campaign: fewer
	// objects for the garbage collector to mark on every cycle, for as
	// long as the snapshot lives.
	block := make([]entry, len(camps))
	abouts := make([]about, len(camps))
	var todo []int // the campaigns to compile
	for i, camp := range camps {
		e := &block[i]
		if old := prior[camp.ID]; old != nil && reusable(old.camp, camp) {
			*e, abouts[i] = *old, *old.about
		} else {
			todo = append(todo, i)
		}
		e.about = &abouts[i]
	}
	newCompiler := func() *targeting.Compiler {
		c := targeting.NewCompiler(lookup)
		c.InternConds(snap.conds)
		return c
	}
	if err := compileAll(block, camps, todo, settings, newCompiler, template); err != nil {
		return nil, err
	}
	for i := range camps {
		e := &block[i]
		if !e.deliverable() {
			// Kept for Explain and test sends; the others still go out.
			snap.held = append(snap.held, e)
			continue
		}
		snap.entries = append(snap.entries, e)
		snap.usesCaps = snap.usesCaps || e.daily > 0 || e.total > 0
		snap.usesActivity = snap.usesActivity || e.segment != nil && e.segment.UsesActivity()
		snap.usesMembership = snap.usesMembership || e.segment != nil && e.segment.UsesMembership()
	}
	snap.ncond = snap.conds.Len()
	compiled := make([]*targeting.Segment, len(snap.entries))
	for i, e := range snap.entries {
		compiled[i] = e.segment
	}
	snap.reads = targeting.ReadsOf(compiled)
	sort.Slice(snap.entries, func(i, j int) bool { return before(snap.entries[i], snap.entries[j]) })
	sort.Slice(snap.held, func(i, j int) bool { return before(snap.held[i], snap.held[j]) })
	if err := buildTests(ctx, src, appID, now, camps, snap, template); err != nil {
		return nil, err
	}
	return snap, nil
}

// parallelCompileMin is how many campaigns each compiling goroutine takes
// at least: a full build (after a restart, or a segment write, which
// recompiles every campaign) compiles all of an app's campaigns, and
// with 1,000 of them compiling was most of the build; an incremental
// rebuild compiles a few, on the caller's goroutine.
var parallelCompileMin = 64

// compileAll compiles camps[i] into block[i] for each i of todo, on up to
// GOMAXPROCS goroutines. Each goroutine has its own Compiler (which
// compiles each segment it meets once); they share the condition table
// (which locks) and the templates. The error is that of the first
// campaign, in todo's order, whose compile failed.
func compileAll(block []entry, camps []*inapp.Campaign, todo []int, settings *inapp.AppSettings, newCompiler func() *targeting.Compiler,
	template func(inapp.TemplateRef) (*inapp.Template, error)) error {
	workers := max(1, min(runtime.GOMAXPROCS(0), len(todo)/parallelCompileMin))
	errs := make([]error, len(todo))
	// share compiles every workers-th campaign from the w-th: the cost
	// spreads evenly even when the expensive campaigns sit together.
	share := func(w int) {
		c := newCompiler()
		for k := w; k < len(todo); k += workers {
			i := todo[k]
			errs[k] = compile(&block[i], camps[i], settings, c, template)
		}
	}
	if workers == 1 {
		share(0) // on the caller's goroutine
	} else {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Go(func() { share(w) })
		}
		wg.Wait()
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// Versions is a Source that tells the latest version of each of an app's
// campaigns and segments without reading their documents (both backends
// do). Stored versions never change, so a rebuild then reads and decodes
// only the documents whose latest version is not in the previous snapshot,
// instead of all of them: decoding 1,000 campaigns and segments was most
// of a rebuild's time.
type Versions interface {
	LatestVersions(ctx context.Context, appID string) (campaigns, segments map[string]int, err error)
	GetCampaign(ctx context.Context, appID, id string, version int) (*inapp.Campaign, error)
}

// maxFetched is the most changed documents a rebuild reads one by one;
// with more, reading them all in two queries costs less.
const maxFetched = 32

// fetch reads the app's settings, campaigns and segments: only what
// changed since prev when it can (see Versions), else everything.
func fetch(ctx context.Context, src Source, appID string, prev *snapshot) (*inapp.AppSettings, []*inapp.Campaign, []*inapp.Segment, error) {
	if v, ok := src.(Versions); ok && prev != nil {
		settings, err := src.GetAppSettings(ctx, appID)
		if err != nil {
			return nil, nil, nil, err
		}
		camps, segs, err := fetchChanged(ctx, src, v, appID, prev)
		if err != nil || camps != nil {
			return settings, camps, segs, err
		}
	}
	// The segments are read (and decoded) while the campaigns are: on
	// more than one core this takes the longer of the two, not both.
	var segs []*inapp.Segment
	var segErr error
	var wg sync.WaitGroup
	wg.Go(func() { segs, segErr = src.AllSegments(ctx, appID) })
	settings, err := src.GetAppSettings(ctx, appID)
	var camps []*inapp.Campaign
	if err == nil {
		camps, err = src.AllCampaigns(ctx, appID)
	}
	wg.Wait()
	if err == nil {
		err = segErr
	}
	return settings, camps, segs, err
}

// fetchChanged returns the app's campaigns and segments, taking those
// whose latest version prev holds from prev and reading the others. It
// returns nil campaigns (and no error) when reading everything is better:
// too many changed, or one went away while it was being read.
func fetchChanged(ctx context.Context, src Source, v Versions, appID string, prev *snapshot) ([]*inapp.Campaign, []*inapp.Segment, error) {
	campVersions, segVersions, err := v.LatestVersions(ctx, appID)
	if err != nil {
		return nil, nil, err
	}
	held := make(map[string]*inapp.Campaign, len(prev.entries)+len(prev.held))
	for _, list := range [][]*entry{prev.entries, prev.held} {
		for _, e := range list {
			held[e.id] = e.camp
		}
	}
	heldSegs := make(map[string]*inapp.Segment, len(prev.segments))
	for _, s := range prev.segments {
		heldSegs[s.ID] = s
	}
	changed := 0
	for id, version := range campVersions {
		if c := held[id]; c == nil || c.Version != version {
			changed++
		}
	}
	for id, version := range segVersions {
		if s := heldSegs[id]; s == nil || s.Version != version {
			changed++
		}
	}
	if changed > maxFetched {
		return nil, nil, nil
	}
	camps := make([]*inapp.Campaign, 0, len(campVersions))
	for id, version := range campVersions {
		c := held[id]
		if c == nil || c.Version != version {
			if c, err = v.GetCampaign(ctx, appID, id, version); err != nil {
				if inapp.ErrorCode(err) == inapp.ENOTFOUND {
					return nil, nil, nil // deleted meanwhile
				}
				return nil, nil, err
			}
		}
		camps = append(camps, c)
	}
	segs := make([]*inapp.Segment, 0, len(segVersions))
	for id, version := range segVersions {
		s := heldSegs[id]
		if s == nil || s.Version != version {
			if s, err = src.GetSegment(ctx, appID, id, version); err != nil {
				if inapp.ErrorCode(err) == inapp.ENOTFOUND {
					return nil, nil, nil
				}
				return nil, nil, err
			}
		}
		segs = append(segs, s)
	}
	// By ID, for builds that do not depend on map order: the order shows
	// nowhere (entries are sorted, inputsOf sorts).
	slices.SortFunc(camps, func(a, b *inapp.Campaign) int { return cmp.Compare(a.ID, b.ID) })
	slices.SortFunc(segs, func(a, b *inapp.Segment) int { return cmp.Compare(a.ID, b.ID) })
	return camps, segs, nil
}

// inputsOf fingerprints what a campaign's compiled entry depends on
// besides the campaign itself and templates: the app's settings (default
// caps) and every segment (a campaign's segment may be built on others).
func inputsOf(settings *inapp.AppSettings, segs []*inapp.Segment) uint64 {
	h := fnv.New64a()
	w := func(s string) { h.Write([]byte(s)); h.Write([]byte{0}) }
	w(settings.LastModifiedDate)
	if l := settings.Limits; l != nil {
		for _, v := range []*int{l.Daily, l.Session, l.Total} {
			if v != nil {
				w(strconv.Itoa(*v))
			} else {
				w("-")
			}
		}
	}
	// By ID: the same segments in another order are the same inputs.
	sorted := slices.SortedFunc(slices.Values(segs), func(a, b *inapp.Segment) int { return cmp.Compare(a.ID, b.ID) })
	for _, s := range sorted {
		w(s.ID)
		w(strconv.Itoa(s.Version))
		w(s.LastModifiedDate)
	}
	return h.Sum64()
}

// reusable reports whether the entry compiled from old serves for camp
// too. Stored versions never change (a write makes a new one), so the same
// version of the campaign compiles to the same entry, given the same
// inputs (inputsOf), unless it takes its message from a template, whose
// active version can change without the campaign's.
func reusable(old, camp *inapp.Campaign) bool {
	if camp.Version == 0 || old.Version != camp.Version || old.LastModifiedDate != camp.LastModifiedDate {
		return false
	}
	if usesTemplate(camp.TemplateConfiguration) {
		return false
	}
	for _, t := range camp.AdditionalTreatments {
		if usesTemplate(t.TemplateConfiguration) {
			return false
		}
	}
	return true
}

func usesTemplate(tc *inapp.TemplateConfiguration) bool {
	return tc != nil && tc.InAppTemplate != nil
}

// buildTests adds the app's test sends live at now, when the source keeps
// test sends.
func buildTests(ctx context.Context, src Source, appID string, now time.Time, camps []*inapp.Campaign, snap *snapshot, template func(inapp.TemplateRef) (*inapp.Template, error)) error {
	lister, ok := src.(TestSends)
	if !ok {
		return nil
	}
	sends, err := lister.ListTestSends(ctx, appID, "", now)
	if err != nil || len(sends) == 0 {
		return err
	}
	byID := make(map[string]*inapp.Campaign, len(camps))
	for _, c := range camps {
		byID[c.ID] = c
	}
	snap.tests = make(map[string][]*testSend)
	for i := len(sends) - 1; i >= 0; i-- { // newest first
		ts := sends[i]
		camp := byID[ts.CampaignID]
		expires, err := inapp.ParseTime(ts.ExpiresAt)
		if camp == nil || err != nil {
			continue // deleted since (its test sends go with it)
		}
		t := &testSend{campaignID: camp.ID, expires: expires}
		if t.body, err = encodeTest(camp, expires, template); err != nil {
			if !undeliverable(err) {
				return err
			}
			t.broken = inapp.ErrorMessage(err)
		}
		snap.tests[ts.EndpointID] = append(snap.tests[ts.EndpointID], t)
	}
	return nil
}

// undeliverable reports whether a compile error is the campaign's own
// (its segment or template is gone or unusable), which leaves it out,
// rather than the database's, which fails the build.
func undeliverable(err error) bool {
	code := inapp.ErrorCode(err)
	return code == inapp.ENOTFOUND || code == inapp.EINVALID
}

// before orders campaigns: lower priority number first (0 means "no
// priority" and goes last), then the earlier end date (no end date last),
// then the ID.
func before(a, b *entry) bool {
	pa, pb := a.priority, b.priority
	if (pa == 0) != (pb == 0) {
		return pb == 0
	}
	if pa != pb {
		return pa < pb
	}
	if !a.endTime.Equal(b.endTime) {
		switch {
		case a.endTime.IsZero():
			return false
		case b.endTime.IsZero():
			return true
		}
		return a.endTime.Before(b.endTime)
	}
	return a.id < b.id
}

// compile turns a campaign into e, whose about is set. A campaign that
// cannot be delivered (no schedule, its segment or template is gone) is
// marked broken, saying why; only the database's errors are returned.
func compile(e *entry, camp *inapp.Campaign, settings *inapp.AppSettings, segments *targeting.Compiler, template func(inapp.TemplateRef) (*inapp.Template, error)) error {
	e.id, e.holdout, e.priority, e.camp = camp.ID, camp.HoldoutPercent, camp.Priority, camp
	if camp.Schedule == nil {
		e.broken = "it has no schedule"
		return nil
	}
	created, err := inapp.ParseTime(camp.CreationDate)
	if err != nil {
		return fmt.Errorf("campaign %s: CreationDate: %w", camp.ID, err)
	}
	if camp.SegmentID != "" {
		// A campaign targets the segment version it names, or follows the
		// latest one when it named none (SegmentVersion 0 is stored).
		seg, err := segments.CompileRef(camp.SegmentID, camp.SegmentVersion)
		switch {
		case inapp.ErrorCode(err) == inapp.ENOTFOUND:
			e.broken, e.segmentGone = "its segment "+camp.SegmentID+" was deleted", true
			return nil
		case undeliverable(err):
			e.broken = "its segment cannot be evaluated: " + inapp.ErrorMessage(err)
			return nil
		case err != nil:
			return err
		}
		e.segment = seg
	}
	if camp.Schedule.EndTime != "" {
		e.endTime, _ = inapp.ParseTime(camp.Schedule.EndTime)
	}
	caps := effectiveCaps(camp, settings)
	e.daily, e.total, e.session = caps.daily, caps.total, caps.session

	e.sizes = targeting.TreatmentSizes(camp)
	main, err := encodeTreatment(camp, created, "0", camp.Schedule, camp.MessageConfiguration, camp.TemplateConfiguration, caps, template)
	if err != nil {
		return brokenMessage(e, err)
	}
	e.treatments = append(e.treatments, main)
	for _, t := range camp.AdditionalTreatments {
		sched, mc, tc := t.Schedule, t.MessageConfiguration, t.TemplateConfiguration
		if sched == nil {
			sched = camp.Schedule
		}
		if mc == nil && tc == nil {
			mc, tc = camp.MessageConfiguration, camp.TemplateConfiguration
		}
		enc, err := encodeTreatment(camp, created, t.ID, sched, mc, tc, caps, template)
		if err != nil {
			return brokenMessage(e, err)
		}
		e.treatments = append(e.treatments, enc)
	}
	return nil
}

// brokenMessage marks e broken because a treatment's message or schedule
// could not be built (a template deleted, …).
func brokenMessage(e *entry, err error) error {
	if !undeliverable(err) {
		return err
	}
	e.broken, e.segment, e.treatments = "its message cannot be built: "+inapp.ErrorMessage(err), nil, nil
	return nil
}

type capSet struct{ daily, session, total int }

// effectiveCaps applies the app's default limits where the campaign sets
// none, and Frequency ONCE (the seed's "only shows once per user") as a
// total cap of one.
func effectiveCaps(camp *inapp.Campaign, settings *inapp.AppSettings) capSet {
	pick := func(own func(*inapp.CampaignLimits) *int) int {
		for _, l := range []*inapp.CampaignLimits{camp.Limits, settings.Limits} {
			if l != nil {
				if v := own(l); v != nil && *v > 0 {
					return *v
				}
			}
		}
		return 0
	}
	c := capSet{
		daily:   pick(func(l *inapp.CampaignLimits) *int { return l.Daily }),
		session: pick(func(l *inapp.CampaignLimits) *int { return l.Session }),
		total:   pick(func(l *inapp.CampaignLimits) *int { return l.Total }),
	}
	if camp.Schedule != nil && camp.Schedule.Frequency == "ONCE" {
		c.total = 1
	}
	return c
}

func encodeTreatment(camp *inapp.Campaign, created time.Time, id string, sched *inapp.Schedule, mc *inapp.MessageConfiguration, tc *inapp.TemplateConfiguration, caps capSet, template func(inapp.TemplateRef) (*inapp.Template, error)) (treatment, error) {
	compiled, err := targeting.CompileSchedule(sched, created)
	if err != nil {
		return treatment{}, err
	}
	body, err := encodeMessage(message{
		camp: camp, treatmentID: id, mc: mc, tc: tc, caps: caps, priority: camp.Priority,
		filter: sched.EventFilter, endDate: sched.EndTime, quiet: sched.QuietTime,
	}, template)
	if err != nil {
		return treatment{}, err
	}
	return treatment{schedule: compiled, body: body}, nil
}

// encodeTest encodes a test send of camp: its current main message, made
// to come first on the device whatever its targeting. The device applies
// priority, caps, end date and quiet time itself (Amplify keeps only the
// best Priority, compares its own display counts with the caps, drops a
// message past its EndDate), so the test message carries Priority 1, no
// caps, the test send's expiry as EndDate and no quiet time. Its event
// filter stays: the device shows it on the campaign's trigger event.
func encodeTest(camp *inapp.Campaign, expires time.Time, template func(inapp.TemplateRef) (*inapp.Template, error)) ([]byte, error) {
	var filter *inapp.CampaignEventFilter
	if camp.Schedule != nil {
		filter = camp.Schedule.EventFilter
	}
	return encodeMessage(message{
		camp: camp, treatmentID: "0", mc: camp.MessageConfiguration, tc: camp.TemplateConfiguration,
		priority: 1, filter: filter, endDate: inapp.FormatTime(expires),
	}, template)
}

// message is what one InAppMessageCampaign of an answer says.
type message struct {
	camp        *inapp.Campaign
	treatmentID string
	mc          *inapp.MessageConfiguration
	tc          *inapp.TemplateConfiguration
	caps        capSet
	priority    int
	filter      *inapp.CampaignEventFilter
	endDate     string
	quiet       *inapp.QuietTime
}

func encodeMessage(m message, template func(inapp.TemplateRef) (*inapp.Template, error)) ([]byte, error) {
	msg := &inapp.InAppMessage{}
	switch {
	case m.mc != nil && m.mc.InAppMessage != nil:
		im := m.mc.InAppMessage
		msg.Content, msg.CustomConfig, msg.Layout = im.Content, im.CustomConfig, im.Layout
	case m.tc != nil && m.tc.InAppTemplate != nil:
		t, err := template(*m.tc.InAppTemplate)
		if err != nil {
			return nil, err
		}
		msg.Content, msg.CustomConfig, msg.Layout = t.Content, t.CustomConfig, t.Layout
	default:
		return nil, inapp.Errorf(inapp.EINVALID, "campaign %s has no in-app message", m.camp.ID)
	}
	if msg.Content == nil {
		msg.Content = []*inapp.InAppMessageContent{}
	}
	if msg.Layout == "" {
		msg.Layout = "TOP_BANNER" // what Amplify assumes when it is missing
	}
	out := &inapp.InAppMessageCampaign{
		CampaignID: m.camp.ID, DailyCap: m.caps.daily, SessionCap: m.caps.session, TotalCap: m.caps.total,
		InAppMessage: msg, Priority: m.priority, TreatmentID: m.treatmentID,
		Schedule: &inapp.InAppSchedule{EndDate: m.endDate, EventFilter: deviceFilter(m.filter), QuietTime: m.quiet},
	}
	return marshalMessage(out)
}

// marshalMessage encodes a message once per build, with go-json: encoding
// them was a fifth of a full build of 1,000 campaigns (BenchmarkFirstBuild),
// and go-json writes the same bytes as encoding/json in less than half
// the time (TestMarshalMessageAsEncodingJSON).
func marshalMessage(m *inapp.InAppMessageCampaign) ([]byte, error) {
	return gojson.Marshal(m)
}

// deviceFilter returns the event filter as devices need it: Amplify reads
// Dimensions (and its Attributes and Metrics) without checking for nil.
func deviceFilter(f *inapp.CampaignEventFilter) *inapp.CampaignEventFilter {
	out := &inapp.CampaignEventFilter{Dimensions: &inapp.EventDimensions{}}
	if f != nil {
		out.FilterType = f.FilterType
		if f.Dimensions != nil {
			d := *f.Dimensions
			out.Dimensions = &d
		}
	}
	if out.Dimensions.Attributes == nil {
		out.Dimensions.Attributes = map[string]*inapp.AttributeDimension{}
	}
	if out.Dimensions.Metrics == nil {
		out.Dimensions.Metrics = map[string]*inapp.MetricDimension{}
	}
	return out
}
