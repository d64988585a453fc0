package targeting

// UsesActivity reports whether evaluating the segment reads
// Subject.LastActive (a Behavior.Recency dimension anywhere in it or in its
// source segments), so that callers fetch activity only when it matters.
func (s *Segment) UsesActivity() bool {
	if hasRecency(s.dims) {
		return true
	}
	for _, g := range s.groups {
		for _, d := range g.dims {
			if hasRecency(d) {
				return true
			}
		}
		for _, src := range g.sources {
			if src.UsesActivity() {
				return true
			}
		}
	}
	return false
}

func hasRecency(conds []cond) bool {
	for _, c := range conds {
		if c.kind == condRecency {
			return true
		}
	}
	return false
}
