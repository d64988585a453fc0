package targeting

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	inapp "github.com/inappd/inappd"
)

func TestValidateSegment(t *testing.T) {
	attrTypes := "INCLUSIVE, EXCLUSIVE, CONTAINS, BEFORE, AFTER, ON, BETWEEN"
	ops := "GREATER_THAN, LESS_THAN, GREATER_THAN_OR_EQUAL, LESS_THAN_OR_EQUAL, EQUAL"
	dateHint := `(AttributeType %s compares dates, e.g. "2026-02-05" or "2026-02-05T10:00:00Z")`
	tests := []struct {
		name, req, want string
	}{
		// valid
		{"empty request", `{}`, ""},
		{"seed segment", `{"Name":"New Users (Last 7 Days)","SegmentGroups":{"Groups":[{"Dimensions":[{"UserAttributes":{"CreatedDate":{"AttributeType":"AFTER","Values":["2026-02-05"]}}}],"SourceType":"ALL"}],"Include":"ALL"}}`, ""},
		{"every kind", `{"Dimensions":{"Attributes":{"a":{"AttributeType":"BETWEEN","Values":["2026-01-01","2026-02-01T00:00:00.5Z"]}},"Behavior":{"Recency":{"Duration":"DAY_30","RecencyType":"INACTIVE"}},"Demographic":{"AppVersion":{"Values":["1"]},"Channel":{"Values":["IN_APP"]},"DeviceType":{"Values":["ios"]},"Make":{"Values":["x"]},"Model":{"Values":["y"]},"Platform":{"DimensionType":"EXCLUSIVE","Values":["web"]}},"Location":{"Country":{"Values":["US"]},"GPSPoint":{"Coordinates":{"Latitude":-90,"Longitude":180},"RangeInKilometers":0}},"Metrics":{"m":{"ComparisonOperator":"EQUAL","Value":0}},"UserAttributes":{"u":{"AttributeType":"ON","Values":["2026-02-05T10:00:00+09:00"]}}}}`, ""},
		{"empty Dimensions next to SegmentGroups", `{"Dimensions":{},"SegmentGroups":{"Groups":[{}]}}`, ""},
		{"source segment references", `{"SegmentGroups":{"Groups":[{"SourceSegments":[{"Id":"a"},{"Id":"b","Version":3}]}]}}`, ""},
		{"dates with fractions and offsets", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"BEFORE","Values":["2026-02-05T10:00:00.123456789+05:30","2026-02-05T10:00:00","2026-02-05T10:00"]}}}}`, ""},

		// attributes
		{"unknown AttributeType", `{"Dimensions":{"Attributes":{"plan":{"AttributeType":"INCLUDE","Values":["pro"]}}}}`,
			`Dimensions.Attributes.plan.AttributeType: "INCLUDE" is not one of ` + attrTypes},
		{"lowercase AttributeType", `{"Dimensions":{"UserAttributes":{"plan":{"AttributeType":"inclusive","Values":["pro"]}}}}`,
			`Dimensions.UserAttributes.plan.AttributeType: "inclusive" is not one of ` + attrTypes},
		{"missing Values", `{"Dimensions":{"Attributes":{"plan":{"AttributeType":"INCLUSIVE"}}}}`,
			`Dimensions.Attributes.plan.Values: required; give at least one value`},
		{"empty Values", `{"Dimensions":{"Attributes":{"plan":{"Values":[]}}}}`,
			`Dimensions.Attributes.plan.Values: required; give at least one value`},
		{"null attribute", `{"Dimensions":{"Attributes":{"plan":null}}}`,
			`Dimensions.Attributes.plan: is null; give AttributeType and Values`},
		{"first bad attribute in sorted order", `{"Dimensions":{"Attributes":{"zeta":{"AttributeType":"X","Values":["1"]},"alpha":{"AttributeType":"Y","Values":["1"]}}}}`,
			`Dimensions.Attributes.alpha.AttributeType: "Y" is not one of ` + attrTypes},
		{"bad date AFTER", `{"Dimensions":{"UserAttributes":{"CreatedDate":{"AttributeType":"AFTER","Values":["last week"]}}}}`,
			`Dimensions.UserAttributes.CreatedDate.Values[0]: "last week" is not an ISO 8601 date or date and time ` + fmt.Sprintf(dateHint, "AFTER")},
		{"bad date BEFORE", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"BEFORE","Values":["2026-02-30"]}}}}`,
			`Dimensions.Attributes.d.Values[0]: "2026-02-30" is not an ISO 8601 date or date and time ` + fmt.Sprintf(dateHint, "BEFORE")},
		{"bad date ON", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"ON","Values":["2026-02-05","02/05/2026"]}}}}`,
			`Dimensions.Attributes.d.Values[1]: "02/05/2026" is not an ISO 8601 date or date and time ` + fmt.Sprintf(dateHint, "ON")},
		{"epoch millis are not a date", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"AFTER","Values":["1770249600000"]}}}}`,
			`Dimensions.Attributes.d.Values[0]: "1770249600000" is not an ISO 8601 date or date and time ` + fmt.Sprintf(dateHint, "AFTER")},
		{"BETWEEN one value", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"BETWEEN","Values":["2026-02-05"]}}}}`,
			`Dimensions.Attributes.d.Values: BETWEEN takes exactly 2 values (from and to); 1 given`},
		{"BETWEEN three values", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"BETWEEN","Values":["2026-02-05","2026-02-06","2026-02-07"]}}}}`,
			`Dimensions.Attributes.d.Values: BETWEEN takes exactly 2 values (from and to); 3 given`},
		{"BETWEEN bad second value", `{"Dimensions":{"Attributes":{"d":{"AttributeType":"BETWEEN","Values":["2026-02-05","tomorrow"]}}}}`,
			`Dimensions.Attributes.d.Values[1]: "tomorrow" is not an ISO 8601 date or date and time ` + fmt.Sprintf(dateHint, "BETWEEN")},

		// set dimensions
		{"unknown DimensionType", `{"Dimensions":{"Demographic":{"Platform":{"DimensionType":"INCLUDE","Values":["ios"]}}}}`,
			`Dimensions.Demographic.Platform.DimensionType: "INCLUDE" is not one of INCLUSIVE, EXCLUSIVE`},
		{"demographic without Values", `{"Dimensions":{"Demographic":{"AppVersion":{"DimensionType":"INCLUSIVE"}}}}`,
			`Dimensions.Demographic.AppVersion.Values: required; give at least one value`},
		{"country without Values", `{"Dimensions":{"Location":{"Country":{"Values":[]}}}}`,
			`Dimensions.Location.Country.Values: required; give at least one value`},
		{"channel DimensionType", `{"Dimensions":{"Demographic":{"Channel":{"DimensionType":"CONTAINS","Values":["IN_APP"]}}}}`,
			`Dimensions.Demographic.Channel.DimensionType: "CONTAINS" is not one of INCLUSIVE, EXCLUSIVE`},

		// metrics
		{"metric without operator", `{"Dimensions":{"Metrics":{"score":{"Value":1}}}}`,
			`Dimensions.Metrics.score.ComparisonOperator: required; one of ` + ops},
		{"metric unknown operator", `{"Dimensions":{"Metrics":{"score":{"ComparisonOperator":"GT","Value":1}}}}`,
			`Dimensions.Metrics.score.ComparisonOperator: "GT" is not one of ` + ops},
		{"metric without Value", `{"Dimensions":{"Metrics":{"score":{"ComparisonOperator":"EQUAL"}}}}`,
			`Dimensions.Metrics.score.Value: required; give a number`},
		{"metric null", `{"Dimensions":{"Metrics":{"score":null}}}`,
			`Dimensions.Metrics.score: is null; give ComparisonOperator and Value`},

		// recency
		{"recency without Duration", `{"Dimensions":{"Behavior":{"Recency":{"RecencyType":"ACTIVE"}}}}`,
			`Dimensions.Behavior.Recency.Duration: required; one of HR_24, DAY_7, DAY_14, DAY_30`},
		{"recency unknown Duration", `{"Dimensions":{"Behavior":{"Recency":{"Duration":"DAY_1","RecencyType":"ACTIVE"}}}}`,
			`Dimensions.Behavior.Recency.Duration: "DAY_1" is not one of HR_24, DAY_7, DAY_14, DAY_30`},
		{"recency without RecencyType", `{"Dimensions":{"Behavior":{"Recency":{"Duration":"DAY_7"}}}}`,
			`Dimensions.Behavior.Recency.RecencyType: required; one of ACTIVE, INACTIVE`},
		{"recency unknown RecencyType", `{"Dimensions":{"Behavior":{"Recency":{"Duration":"DAY_7","RecencyType":"DORMANT"}}}}`,
			`Dimensions.Behavior.Recency.RecencyType: "DORMANT" is not one of ACTIVE, INACTIVE`},

		// GPS
		{"gps without Coordinates", `{"Dimensions":{"Location":{"GPSPoint":{"RangeInKilometers":5}}}}`,
			`Dimensions.Location.GPSPoint.Coordinates: required; give Latitude and Longitude`},
		{"gps without Latitude", `{"Dimensions":{"Location":{"GPSPoint":{"Coordinates":{"Longitude":1}}}}}`,
			`Dimensions.Location.GPSPoint.Coordinates.Latitude: required; give a number from -90 to 90`},
		{"gps without Longitude", `{"Dimensions":{"Location":{"GPSPoint":{"Coordinates":{"Latitude":1}}}}}`,
			`Dimensions.Location.GPSPoint.Coordinates.Longitude: required; give a number from -180 to 180`},
		{"gps Latitude out of range", `{"Dimensions":{"Location":{"GPSPoint":{"Coordinates":{"Latitude":91,"Longitude":1}}}}}`,
			`Dimensions.Location.GPSPoint.Coordinates.Latitude: 91 is out of range; give a number from -90 to 90`},
		{"gps Longitude out of range", `{"Dimensions":{"Location":{"GPSPoint":{"Coordinates":{"Latitude":1,"Longitude":-180.5}}}}}`,
			`Dimensions.Location.GPSPoint.Coordinates.Longitude: -180.5 is out of range; give a number from -180 to 180`},
		{"gps negative range", `{"Dimensions":{"Location":{"GPSPoint":{"Coordinates":{"Latitude":1,"Longitude":1},"RangeInKilometers":-1}}}}`,
			`Dimensions.Location.GPSPoint.RangeInKilometers: -1 is out of range; give a distance of 0 km or more`},

		// structure
		{"Dimensions and SegmentGroups", `{"Dimensions":{"Attributes":{"a":{"Values":["1"]}}},"SegmentGroups":{"Groups":[{}]}}`,
			`Dimensions: a segment takes Dimensions or SegmentGroups, not both; move these dimensions into SegmentGroups.Groups[0].Dimensions`},
		{"two groups", `{"SegmentGroups":{"Groups":[{},{}]}}`,
			`SegmentGroups.Groups: 2 groups given; a segment takes one group`},
		{"unknown Include", `{"SegmentGroups":{"Include":"SOME","Groups":[{}]}}`,
			`SegmentGroups.Include: "SOME" is not one of ALL, ANY, NONE`},
		{"unknown Type", `{"SegmentGroups":{"Groups":[{"Type":"AND"}]}}`,
			`SegmentGroups.Groups[0].Type: "AND" is not one of ALL, ANY, NONE`},
		{"unknown SourceType", `{"SegmentGroups":{"Groups":[{"SourceType":"OR"}]}}`,
			`SegmentGroups.Groups[0].SourceType: "OR" is not one of ALL, ANY, NONE`},
		{"null group", `{"SegmentGroups":{"Groups":[null]}}`,
			`SegmentGroups.Groups[0]: is null`},
		{"null dimensions in group", `{"SegmentGroups":{"Groups":[{"Dimensions":[{},null]}]}}`,
			`SegmentGroups.Groups[0].Dimensions[1]: is null`},
		{"bad dimension in group", `{"SegmentGroups":{"Groups":[{"Dimensions":[{},{"Demographic":{"Platform":{"DimensionType":"X","Values":["a"]}}}]}]}}`,
			`SegmentGroups.Groups[0].Dimensions[1].Demographic.Platform.DimensionType: "X" is not one of INCLUSIVE, EXCLUSIVE`},
		{"source without Id", `{"SegmentGroups":{"Groups":[{"SourceSegments":[{"Version":1}]}]}}`,
			`SegmentGroups.Groups[0].SourceSegments[0].Id: required`},
		{"source version 0", `{"SegmentGroups":{"Groups":[{"SourceSegments":[{"Id":"a"},{"Id":"b","Version":0}]}]}}`,
			`SegmentGroups.Groups[0].SourceSegments[1].Version: 0 is not a segment version; versions start at 1 (leave Version out for the latest)`},
		{"null source", `{"SegmentGroups":{"Groups":[{"SourceSegments":[null]}]}}`,
			`SegmentGroups.Groups[0].SourceSegments[0]: is null`},
		{"101 dimensions", manyDims(101, false), `Dimensions: 101 dimensions given; a segment takes at most 100`},
		{"100 dimensions", manyDims(100, false), ``},
		{"101 dimensions in groups", manyDims(101, true), `SegmentGroups: 101 dimensions given; a segment takes at most 100`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var req inapp.SegmentRequest
			if err := json.Unmarshal([]byte(tt.req), &req); err != nil {
				t.Fatalf("bad test JSON: %v", err)
			}
			checkErr(t, ValidateSegment(&req), tt.want)

			// The compiler says the same about a stored segment.
			_, err := CompileSegment(&inapp.Segment{ID: "s", Version: 1, SegmentType: "DIMENSIONAL", Dimensions: req.Dimensions, SegmentGroups: req.SegmentGroups}, nil)
			if tt.want == "" && strings.Contains(tt.req, "SourceSegments") {
				return // a compile needs a lookup for these
			}
			checkErr(t, err, tt.want)
		})
	}
}

// manyDims builds a segment with n dimensions, spread over two dimension
// sets when grouped.
func manyDims(n int, grouped bool) string {
	var a, b []string
	for i := 0; i < n; i++ {
		d := fmt.Sprintf(`"a%03d":{"Values":["x"]}`, i)
		if i%2 == 0 || !grouped {
			a = append(a, d)
		} else {
			b = append(b, d)
		}
	}
	if !grouped {
		return `{"Dimensions":{"Attributes":{` + strings.Join(a, ",") + `}}}`
	}
	return `{"SegmentGroups":{"Groups":[{"Dimensions":[{"Attributes":{` + strings.Join(a, ",") + `}},{"Metrics":{}},{"UserAttributes":{` + strings.Join(b, ",") + `}}]}]}}`
}

func TestValidatePieces(t *testing.T) {
	d := dims(t, `{"Attributes":{"plan":{"AttributeType":"INCLUDE","Values":["pro"]}}}`)
	checkErr(t, ValidateSegmentDimensions(d, "SegmentGroups.Groups[0].Dimensions[2]"),
		`SegmentGroups.Groups[0].Dimensions[2].Attributes.plan.AttributeType: "INCLUDE" is not one of INCLUSIVE, EXCLUSIVE, CONTAINS, BEFORE, AFTER, ON, BETWEEN`)
	checkErr(t, ValidateSegmentDimensions(nil, "Dimensions"), "")
	checkErr(t, ValidateSegmentDimensions(dims(t, manyDims(101, false)[len(`{"Dimensions":`):len(manyDims(101, false))-1]), "Dimensions"),
		`Dimensions: 101 dimensions given; a segment takes at most 100`)
	var g inapp.SegmentGroupList
	if err := json.Unmarshal([]byte(`{"Groups":[{"Type":"BOTH"}]}`), &g); err != nil {
		t.Fatal(err)
	}
	checkErr(t, ValidateSegmentGroups(&g, "SegmentGroups"), `SegmentGroups.Groups[0].Type: "BOTH" is not one of ALL, ANY, NONE`)
	checkErr(t, ValidateSegmentGroups(nil, "SegmentGroups"), "")
	checkErr(t, ValidateSegment(nil), "WriteSegmentRequest: missing")

	_, err := CompileSegment(&inapp.Segment{ID: "s", SegmentType: "DYNAMIC"}, nil)
	checkErr(t, err, `SegmentType: "DYNAMIC" is not one of DIMENSIONAL, IMPORT`)
	_, err = CompileSegment(nil, nil)
	checkErr(t, err, `Segment: missing`)
}
