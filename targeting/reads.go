package targeting

import (
	"slices"
	"sort"
)

// Reads is what Match reads beyond an endpoint's plain members: the
// entries of Attributes, User.UserAttributes and Metrics named by the
// segment's dimensions, its groups' and, recursively, its source
// segments', and whether any of them reads Subject.LastActive (a recency
// dimension). Match reads no other entry of those maps, so a scan may
// decode the others away (internal/endpointdoc), and may leave
// LastActive zero when it is not read. Names are sorted, each once.
type Reads struct {
	Attributes, UserAttributes, Metrics []string
	LastActive                          bool
}

// Reads returns the map entries that Match reads.
func (s *Segment) Reads() Reads { return ReadsOf([]*Segment{s}) }

// ReadsOf returns the map entries that Match reads for any of segs (nil
// ones are skipped).
func ReadsOf(segs []*Segment) Reads {
	attrs, user, metrics := map[string]bool{}, map[string]bool{}, map[string]bool{}
	lastActive := false
	seen := map[*Segment]bool{}
	var walk func(*Segment)
	add := func(cs []cond) {
		for i := range cs {
			switch c := &cs[i]; c.kind {
			case condAttr:
				attrs[c.name] = true
			case condUserAttr:
				user[c.name] = true
			case condMetric:
				metrics[c.name] = true
			case condRecency:
				lastActive = true
			}
		}
	}
	walk = func(s *Segment) {
		if seen[s] {
			return
		}
		seen[s] = true
		add(s.dims)
		for _, g := range s.groups {
			for _, cs := range g.dims {
				add(cs)
			}
			for _, src := range g.sources {
				walk(src)
			}
		}
	}
	for _, s := range segs {
		if s != nil {
			walk(s)
		}
	}
	return Reads{Attributes: sortedSet(attrs), UserAttributes: sortedSet(user), Metrics: sortedSet(metrics), LastActive: lastActive}
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return slices.Clip(out)
}
