package targeting

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
