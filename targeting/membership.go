package targeting

import "slices"

// UsesMembership reports whether evaluating the segment calls
// Subject.Member: it is an IMPORT segment or is built on one, so that
// callers fetch an endpoint's memberships only when it matters.
func (s *Segment) UsesMembership() bool {
	if s.imported {
		return true
	}
	for _, g := range s.groups {
		for _, src := range g.sources {
			if src.UsesMembership() {
				return true
			}
		}
	}
	return false
}

// ImportedSegments returns the IDs of the IMPORT segments Subject.Member
// is asked about when s is evaluated: s itself when it is one, and those
// among its source segments at any depth; each once. A caller that
// evaluates many endpoints can read these segments' members once.
func (s *Segment) ImportedSegments() []string {
	var ids []string
	seen := map[*Segment]bool{}
	var walk func(*Segment)
	walk = func(s *Segment) {
		if seen[s] {
			return
		}
		seen[s] = true
		if s.imported && !slices.Contains(ids, s.id) {
			ids = append(ids, s.id)
		}
		for _, g := range s.groups {
			for _, src := range g.sources {
				walk(src)
			}
		}
	}
	walk(s)
	return ids
}
