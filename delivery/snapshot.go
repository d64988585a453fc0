package delivery

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/targeting"
)

type stamp struct{ app, epoch uint64 }

// snapshot is one app's deliverable campaigns, compiled and sorted by
// priority.
type snapshot struct {
	stamp        stamp
	entries      []*entry
	usesCaps     bool // some campaign has a daily or total cap
	usesActivity bool // some segment looks at Behavior.Recency
	// some segment is (or is built on) an IMPORT segment
	usesMembership bool
}

// entry is one campaign, ready to evaluate.
type entry struct {
	id       string
	segment  *targeting.Segment // nil: every endpoint of the app
	holdout  int
	sizes    []int // SizePercent per treatment, main treatment first
	daily    int
	total    int
	priority int
	endTime  time.Time // zero: no end
	// per treatment: its schedule and its pre-encoded InAppMessageCampaign
	treatments []treatment
}

type treatment struct {
	schedule *targeting.Schedule
	body     []byte
}

// evaluate returns the encoded message for the endpoint, or nil when the
// campaign does not apply to it now.
func (c *entry) evaluate(s *targeting.Subject, tz string, counts map[string]inapp.CapCount) []byte {
	if c.segment != nil && !c.segment.Match(s) {
		return nil
	}
	if c.daily > 0 || c.total > 0 {
		n := counts[c.id]
		if c.daily > 0 && n.Day >= c.daily || c.total > 0 && n.Total >= c.total {
			return nil
		}
	}
	i, holdout := targeting.Assign(c.id, s.Endpoint.ID, c.holdout, c.sizes)
	if holdout {
		return nil
	}
	t := c.treatments[i]
	if !t.schedule.Live(s.Now, tz) {
		return nil
	}
	return t.body
}

// build compiles the app's campaigns into a snapshot.
func build(ctx context.Context, src Source, appID string) (*snapshot, error) {
	settings, err := src.GetAppSettings(ctx, appID)
	if err != nil {
		return nil, err
	}
	camps, err := src.AllCampaigns(ctx, appID)
	if err != nil {
		return nil, err
	}
	snap := &snapshot{}
	if len(camps) == 0 {
		return snap, nil
	}
	segs, err := src.AllSegments(ctx, appID)
	if err != nil {
		return nil, err
	}
	latest := make(map[string]*inapp.Segment, len(segs))
	for _, s := range segs {
		latest[s.ID] = s
	}
	// One compiler per build compiles each segment (and each shared source
	// segment) once.
	segments := targeting.NewCompiler(func(id string, version int) (*inapp.Segment, error) {
		if s, ok := latest[id]; ok && (version == 0 || version == s.Version) {
			return s, nil
		}
		return src.GetSegment(ctx, appID, id, version)
	})
	templates := map[inapp.TemplateRef]*inapp.Template{}
	template := func(ref inapp.TemplateRef) (*inapp.Template, error) {
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
	for _, camp := range camps {
		e, err := compile(camp, settings, segments, template)
		if err != nil {
			// A campaign that cannot be delivered (its segment or template
			// was deleted) is left out; the others still go out.
			if inapp.ErrorCode(err) == inapp.ENOTFOUND || inapp.ErrorCode(err) == inapp.EINVALID {
				continue
			}
			return nil, err
		}
		if e == nil {
			continue
		}
		snap.entries = append(snap.entries, e)
		snap.usesCaps = snap.usesCaps || e.daily > 0 || e.total > 0
		snap.usesActivity = snap.usesActivity || e.segment != nil && e.segment.UsesActivity()
		snap.usesMembership = snap.usesMembership || e.segment != nil && e.segment.UsesMembership()
	}
	sort.Slice(snap.entries, func(i, j int) bool { return before(snap.entries[i], snap.entries[j]) })
	return snap, nil
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

// compile turns a campaign into an entry; nil when it cannot deliver
// (paused, or it ended for good).
func compile(camp *inapp.Campaign, settings *inapp.AppSettings, segments *targeting.Compiler, template func(inapp.TemplateRef) (*inapp.Template, error)) (*entry, error) {
	if camp.IsPaused || camp.Schedule == nil {
		return nil, nil
	}
	created, err := inapp.ParseTime(camp.CreationDate)
	if err != nil {
		return nil, fmt.Errorf("campaign %s: CreationDate: %w", camp.ID, err)
	}
	e := &entry{id: camp.ID, holdout: camp.HoldoutPercent, priority: camp.Priority}
	if camp.SegmentID != "" {
		// A campaign targets the segment version it names, or follows the
		// latest one when it named none (SegmentVersion 0 is stored).
		seg, err := segments.CompileRef(camp.SegmentID, camp.SegmentVersion)
		if err != nil {
			return nil, err
		}
		e.segment = seg
	}
	if camp.Schedule.EndTime != "" {
		e.endTime, _ = inapp.ParseTime(camp.Schedule.EndTime)
	}
	caps := effectiveCaps(camp, settings)
	e.daily, e.total = caps.daily, caps.total

	e.sizes = targeting.TreatmentSizes(camp)
	main, err := encodeTreatment(camp, created, "0", camp.Schedule, camp.MessageConfiguration, camp.TemplateConfiguration, caps, template)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		e.treatments = append(e.treatments, enc)
	}
	return e, nil
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
	msg := &inapp.InAppMessage{}
	switch {
	case mc != nil && mc.InAppMessage != nil:
		m := mc.InAppMessage
		msg.Content, msg.CustomConfig, msg.Layout = m.Content, m.CustomConfig, m.Layout
	case tc != nil && tc.InAppTemplate != nil:
		t, err := template(*tc.InAppTemplate)
		if err != nil {
			return treatment{}, err
		}
		msg.Content, msg.CustomConfig, msg.Layout = t.Content, t.CustomConfig, t.Layout
	default:
		return treatment{}, inapp.Errorf(inapp.EINVALID, "campaign %s has no in-app message", camp.ID)
	}
	if msg.Content == nil {
		msg.Content = []*inapp.InAppMessageContent{}
	}
	if msg.Layout == "" {
		msg.Layout = "TOP_BANNER" // what Amplify assumes when it is missing
	}
	out := &inapp.InAppMessageCampaign{
		CampaignID: camp.ID, DailyCap: caps.daily, SessionCap: caps.session, TotalCap: caps.total,
		InAppMessage: msg, Priority: camp.Priority, TreatmentID: id,
		Schedule: &inapp.InAppSchedule{EndDate: sched.EndTime, EventFilter: deviceFilter(sched.EventFilter), QuietTime: sched.QuietTime},
	}
	body, err := json.Marshal(out)
	if err != nil {
		return treatment{}, err
	}
	return treatment{schedule: compiled, body: body}, nil
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
