package targeting

import (
	"testing"

	inapp "github.com/inappd/inappd"
)

func TestUsesMembership(t *testing.T) {
	st := &store{}
	st.add(&inapp.Segment{ID: "imported", SegmentType: "IMPORT"})
	st.add(&inapp.Segment{ID: "plain", Dimensions: dims(t, `{"Attributes":{"plan":{"Values":["pro"]}}}`)})
	st.add(groupsSeg(t, "on-imported", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`))
	for _, tt := range []struct {
		name string
		seg  *inapp.Segment
		want bool
	}{
		{"dimensional", &inapp.Segment{ID: "a", Dimensions: dims(t, `{"Attributes":{"plan":{"Values":["pro"]}}}`)}, false},
		{"import", &inapp.Segment{ID: "b", SegmentType: "IMPORT"}, true},
		{"imported source", groupsSeg(t, "c", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`), true},
		{"imported source of a source", groupsSeg(t, "d", `{"Groups":[{"SourceSegments":[{"Id":"on-imported"},{"Id":"plain"}]}]}`), true},
		{"dimensional sources", groupsSeg(t, "e", `{"Groups":[{"SourceSegments":[{"Id":"plain"}]}]}`), false},
	} {
		s, err := CompileSegment(tt.seg, st.lookup)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := s.UsesMembership(); got != tt.want {
			t.Errorf("%s: UsesMembership = %v, want %v", tt.name, got, tt.want)
		}
	}
}
