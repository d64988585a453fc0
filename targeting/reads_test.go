package targeting

import (
	"reflect"
	"testing"

	inapp "github.com/inappd/inappd"
)

// TestReads: the names of every attribute, user attribute and metric
// dimension, in Dimensions, in groups and in source segments (nested),
// sorted, each once, and whether a recency dimension reads LastActive;
// other dimension kinds read nothing more.
func TestReads(t *testing.T) {
	st := &store{}
	st.add(&inapp.Segment{ID: "inner", Dimensions: dims(t, `{"Attributes":{"deep":{"Values":["x"]}},"Metrics":{"visits":{"ComparisonOperator":"EQUAL","Value":1}}}`)})
	st.add(&inapp.Segment{ID: "outer", SegmentGroups: groupsSeg(t, "", `{"Groups":[{"SourceSegments":[{"Id":"inner"}],
		"Dimensions":[{"UserAttributes":{"tier":{"Values":["gold"]}}},{"Attributes":{"plan":{"Values":["pro"]}}}]}]}`).SegmentGroups})
	st.add(&inapp.Segment{ID: "imported", SegmentType: "IMPORT", Dimensions: dims(t, `{"UserAttributes":{"age":{"AttributeType":"AFTER","Values":["2020-01-01"]}}}`)})

	seg, err := CompileSegment(groupsSeg(t, "top", `{"Include":"ANY","Groups":[{"SourceType":"ALL","SourceSegments":[{"Id":"outer"},{"Id":"inner"}],
		"Dimensions":[{"Attributes":{"plan":{"AttributeType":"EXCLUSIVE","Values":["free"]},"interests":{"AttributeType":"CONTAINS","Values":["ten"]}},
			"Metrics":{"score":{"ComparisonOperator":"GREATER_THAN","Value":3}},
			"Demographic":{"Platform":{"Values":["ios"]}},"Location":{"Country":{"Values":["FR"]}},"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"ACTIVE"}}}]}]}`), st.lookup)
	if err != nil {
		t.Fatal(err)
	}
	want := Reads{Attributes: []string{"deep", "interests", "plan"}, UserAttributes: []string{"tier"}, Metrics: []string{"score", "visits"}, LastActive: true}
	if got := seg.Reads(); !reflect.DeepEqual(got, want) {
		t.Errorf("Reads() = %+v, want %+v", got, want)
	}

	imp, err := CompileSegment(groupsSeg(t, "on-import", `{"Groups":[{"SourceSegments":[{"Id":"imported"}]}]}`), st.lookup)
	if err != nil {
		t.Fatal(err)
	}
	want = Reads{Attributes: []string{}, UserAttributes: []string{"age"}, Metrics: []string{}}
	if got := imp.Reads(); !reflect.DeepEqual(got, want) {
		t.Errorf("Reads() of a segment on an imported one = %+v, want %+v", got, want)
	}

	none := compileDims(t, `{"Demographic":{"Make":{"Values":["Apple"]}},"Location":{"GPSPoint":{"Coordinates":{"Latitude":1,"Longitude":2}}}}`)
	if got := none.Reads(); len(got.Attributes)+len(got.UserAttributes)+len(got.Metrics) != 0 || got.LastActive {
		t.Errorf("Reads() of demographic and location dimensions = %+v, want no names", got)
	}
}
