package pinpointapi

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/endpointdoc"
	"github.com/inappd/inappd/targeting"
)

// estimateSegment (an inappd extension, for the console's rule builder)
// counts the endpoints a segment would hold: a stored segment
// (?segment-id=…[&segment-version=…]) or criteria that are not saved yet
// (a WriteSegmentRequest body). It scans the app's endpoints once.
func (s *Server) estimateSegment(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	ctx := c.r.Context()
	lookup := func(id string, version int) (*inapp.Segment, error) {
		return s.Store.GetSegment(ctx, appID, id, version)
	}
	var seg *inapp.Segment
	if id := c.r.URL.Query().Get("segment-id"); id != "" {
		version := 0
		if v := c.r.URL.Query().Get("segment-version"); v != "" {
			if version, err = parsePositiveInt(v); err != nil {
				return inapp.Errorf(inapp.EINVALID, "segment-version must be a whole number from 1, got %q.", v)
			}
		}
		if seg, err = lookup(id, version); err != nil {
			return err
		}
	} else {
		var req inapp.SegmentRequest
		if err := c.decode(&req); err != nil {
			return err
		}
		if err := s.validateSegment(ctx, appID, "", &req); err != nil {
			return err
		}
		seg = &inapp.Segment{ApplicationID: appID, SegmentType: "DIMENSIONAL", Dimensions: req.Dimensions, SegmentGroups: req.SegmentGroups}
	}
	compiled, err := targeting.CompileSegment(seg, lookup)
	if err != nil {
		return err
	}
	start := time.Now()
	result, err := s.countMembers(ctx, appID, compiled)
	if err != nil {
		return err
	}
	result["ApplicationId"] = appID
	result["Milliseconds"] = time.Since(start).Milliseconds()
	return c.json(http.StatusOK, result)
}

// countMembers evaluates the compiled segment on every endpoint of the app.
// Recency uses the endpoints' EffectiveDate (reading every endpoint's last
// event would multiply the cost); the members of imported segments are
// read once, before the scan.
func (s *Server) countMembers(ctx context.Context, appID string, seg *targeting.Segment) (map[string]any, error) {
	var members segmentMemberships
	if seg.UsesMembership() {
		var err error
		if members, err = loadMembers(ctx, s.Store, appID, seg); err != nil {
			return nil, err
		}
	}
	now := s.Clock.Now()
	var scanned, matched, inApp int
	var err error
	if docs, ok := s.Store.(endpointDocScanner); ok {
		scanned, matched, inApp, err = countMemberDocs(ctx, docs, appID, seg, members, now)
	} else {
		scanned, matched, inApp, err = countMemberEndpoints(ctx, s.Store, appID, seg, members, now)
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"EndpointsScanned": scanned, "Estimate": matched, "InAppEstimate": inApp}, nil
}

type segmentMemberships interface {
	SegmentMemberships(ctx context.Context, appID, endpointID string) ([]string, error)
}

type segmentMemberLister interface {
	ListSegmentMembers(ctx context.Context, appID, segmentID string, fn func(endpointIDs []string) error) error
}

// memberSets are the memberships of an estimate's imported segments, read
// before the scan: asking the store for each endpoint's memberships is a
// query per endpoint (about 30 s for a million endpoints), reading the
// segments' members is one range per segment.
type memberSets map[string][]string // endpoint ID → imported segments holding it

func (m memberSets) SegmentMemberships(_ context.Context, _, endpointID string) ([]string, error) {
	return m[endpointID], nil
}

// loadMembers returns the memberships the estimate of seg asks about: read
// once into memory when the store can list a segment's members, else the
// store's own per-endpoint lookup (nil when it has neither: an IMPORT
// segment then matches nothing, as in Subject.Member's contract).
func loadMembers(ctx context.Context, store inapp.Store, appID string, seg *targeting.Segment) (segmentMemberships, error) {
	lister, ok := store.(segmentMemberLister)
	if !ok {
		m, _ := store.(segmentMemberships)
		return m, nil
	}
	sets := memberSets{}
	for _, id := range seg.ImportedSegments() {
		// Endpoints in one segment share one slice; a second segment
		// copies it (a full slice expression makes append copy).
		only := []string{id}
		err := lister.ListSegmentMembers(ctx, appID, id, func(ids []string) error {
			for _, ep := range ids {
				if have, ok := sets[ep]; ok {
					sets[ep] = append(have[:len(have):len(have)], id)
				} else {
					sets[ep] = only
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return sets, nil
}

// endpointDocScanner is a store that hands out the stored endpoint
// documents (sqlite, postgres): an estimate then decodes only what the
// segment reads, which is most of the work saved over ScanEndpoints.
type endpointDocScanner interface {
	ScanEndpointDocs(ctx context.Context, appID string, fn func(docs []string) error) error
}

// evaluator matches one endpoint after another on one goroutine.
type evaluator struct {
	seg        *targeting.Segment
	members    segmentMemberships
	appID      string
	lastActive bool // the segment reads Subject.LastActive
	sub        targeting.Subject
}

// match reports whether e is in the segment and whether it also receives
// in-app messages.
func (v *evaluator) match(ctx context.Context, e *inapp.Endpoint) (matched, inApp bool, err error) {
	v.sub.Endpoint = e
	if v.lastActive { // parsing every EffectiveDate is not free
		v.sub.LastActive = targeting.LastActive(e, time.Time{})
	}
	v.sub.Member = nil
	if v.members != nil {
		ids, err := v.members.SegmentMemberships(ctx, v.appID, e.ID)
		if err != nil {
			return false, false, err
		}
		v.sub.Member = func(segmentID, _ string) bool { return slices.Contains(ids, segmentID) }
	}
	if !v.seg.Match(&v.sub) {
		return false, false, nil
	}
	return true, e.ReceivesInApp(), nil
}

// countMemberDocs counts on the goroutines the store hands batches to,
// each with its own decoder (kept in a pool: the store says how many
// goroutines, not which).
func countMemberDocs(ctx context.Context, store endpointDocScanner, appID string, seg *targeting.Segment, members segmentMemberships, now time.Time) (scanned, matched, inApp int, err error) {
	reads := seg.Reads()
	type worker struct {
		dec *endpointdoc.Decoder
		ev  evaluator
	}
	pool := sync.Pool{New: func() any {
		return &worker{
			dec: endpointdoc.New(reads.Attributes, reads.UserAttributes, reads.Metrics),
			ev:  evaluator{seg: seg, members: members, appID: appID, lastActive: reads.LastActive, sub: targeting.Subject{Now: now}},
		}
	}}
	var nScanned, nMatched, nInApp atomic.Int64
	err = store.ScanEndpointDocs(ctx, appID, func(docs []string) error {
		w := pool.Get().(*worker)
		defer pool.Put(w)
		var m, in int64
		for _, doc := range docs {
			e, err := w.dec.Decode(doc)
			if err != nil {
				return err
			}
			ok, receives, err := w.ev.match(ctx, e)
			if err != nil {
				return err
			}
			if ok {
				m++
				if receives {
					in++
				}
			}
		}
		nScanned.Add(int64(len(docs)))
		nMatched.Add(m)
		nInApp.Add(in)
		return nil
	})
	return int(nScanned.Load()), int(nMatched.Load()), int(nInApp.Load()), err
}

// countMemberEndpoints counts over ScanEndpoints, for stores that do not
// hand out documents.
func countMemberEndpoints(ctx context.Context, store inapp.Store, appID string, seg *targeting.Segment, members segmentMemberships, now time.Time) (scanned, matched, inApp int, err error) {
	ev := evaluator{seg: seg, members: members, appID: appID, lastActive: true, sub: targeting.Subject{Now: now}}
	var matchErr error
	err = store.ScanEndpoints(ctx, appID, func(e *inapp.Endpoint) bool {
		scanned++
		ok, receives, err := ev.match(ctx, e)
		if err != nil {
			matchErr = err
			return false
		}
		if ok {
			matched++
			if receives {
				inApp++
			}
		}
		return true
	})
	if err == nil {
		err = matchErr
	}
	return scanned, matched, inApp, err
}
