package targeting

import (
	"fmt"
	"sort"
	"strings"

	inapp "github.com/inappd/inappd"
)

// invalid is the one way this package reports bad input: an EINVALID error
// whose message starts with the path of the member at fault.
func invalid(path, format string, args ...any) error {
	return &inapp.Error{Code: inapp.EINVALID, Message: path + ": " + fmt.Sprintf(format, args...)}
}

// notOneOf is the message for an unknown enum value.
func notOneOf(path, value string, allowed []string) error {
	return invalid(path, "%q is not one of %s", value, strings.Join(allowed, ", "))
}

func oneOf(v string, allowed []string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}

// The enums of the service model (pinpoint-service-2.json), in its order.
var (
	attributeTypes  = []string{"INCLUSIVE", "EXCLUSIVE", "CONTAINS", "BEFORE", "AFTER", "ON", "BETWEEN"}
	dimensionTypes  = []string{"INCLUSIVE", "EXCLUSIVE"}
	comparisonOps   = []string{"GREATER_THAN", "LESS_THAN", "GREATER_THAN_OR_EQUAL", "LESS_THAN_OR_EQUAL", "EQUAL"}
	durations       = []string{"HR_24", "DAY_7", "DAY_14", "DAY_30"}
	recencyTypes    = []string{"ACTIVE", "INACTIVE"}
	groupOps        = []string{"ALL", "ANY", "NONE"} // Include, SourceType, Type
	segmentTypes    = []string{"DIMENSIONAL", "IMPORT"}
	filterTypes     = []string{"SYSTEM", "ENDPOINT"}
	frequencies     = []string{"ONCE", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "EVENT", "IN_APP_EVENT"}
	scheduleOffsets = []string{"UTC", "UTC+01", "UTC+02", "UTC+03", "UTC+03:30", "UTC+04", "UTC+04:30", "UTC+05",
		"UTC+05:30", "UTC+05:45", "UTC+06", "UTC+06:30", "UTC+07", "UTC+08", "UTC+09", "UTC+09:30",
		"UTC+10", "UTC+10:30", "UTC+11", "UTC+12", "UTC+13", "UTC-02", "UTC-03", "UTC-04", "UTC-05", "UTC-06",
		"UTC-07", "UTC-08", "UTC-09", "UTC-10", "UTC-11"}
)

// sortedKeys returns the keys of m in order, so that validation reports the
// same first error every time.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
