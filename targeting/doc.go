// Package targeting decides who a campaign reaches and when: it compiles
// segments, campaign event filters and schedules once, and evaluates an
// endpoint against them many times (GetInAppMessages evaluates every
// campaign of an app for every app session). It is pure: no I/O, no HTTP,
// no SQL; it imports only the root package and the standard library.
//
// Validation is compilation: the checks the API layer runs before storing a
// segment or a campaign (ValidateSegment, ValidateSegmentDimensions,
// ValidateSegmentGroups, ValidateEventFilter, ValidateSchedule) are the
// compilers, and report the first problem as an *inapp.Error with code
// EINVALID whose message starts with the path of the member at fault, e.g.
//
//	Dimensions.Attributes.plan.AttributeType: "INCLUDE" is not one of INCLUSIVE, EXCLUSIVE, CONTAINS, BEFORE, AFTER, ON, BETWEEN
//
// Map members are checked in sorted key order, so the first error is
// always the same one.
//
// # Segment semantics
//
// These follow Pinpoint's documentation; where it is silent, inappd decides
// as follows.
//
//   - Within one SegmentDimensions every criterion must hold (AND), and so
//     must every key of Attributes, UserAttributes and Metrics.
//   - Endpoint and user attributes are multi-valued. INCLUSIVE: some value
//     of the endpoint is one of Values. EXCLUSIVE: none is (an endpoint
//     without the attribute matches). CONTAINS: some value contains one of
//     Values as a substring. BEFORE / AFTER: some value, read as an ISO 8601
//     instant, is before the latest / after the earliest of Values (strictly).
//     ON: some value falls on the UTC day of one of Values (time of day
//     ignored). BETWEEN: some value lies within the two Values, inclusive, in
//     either order; a bare date as the upper bound covers that whole day.
//     Values that are not dates never match a date type.
//   - Custom attribute values (Attributes, UserAttributes, and event
//     attributes in MatchEvent) compare exactly, case-sensitively, as
//     Amplify compares event attributes. Demographic and Location.Country
//     values compare ignoring case: they are system vocabularies (platform
//     and channel names, device makes, ISO country codes) that SDKs and
//     people spell in varying case.
//   - Demographic.Channel matches the endpoint's ChannelType. Endpoints
//     carry no device type, so Demographic.DeviceType matches
//     Demographic.Platform, as Demographic.Platform does.
//   - Metrics: the endpoint must have the metric, and it is compared with
//     Value by ComparisonOperator (EQUAL is exact float equality).
//   - Behavior.Recency ACTIVE: the endpoint was active (Subject.LastActive)
//     within Duration before Subject.Now; INACTIVE: it was not, or never.
//   - Location.GPSPoint: the great-circle (haversine) distance from the
//     endpoint's Location.Latitude/Longitude to Coordinates is at most
//     RangeInKilometers (100 when absent); endpoints without coordinates do
//     not match.
//   - Demographic/Location set dimensions, EXCLUSIVE: an endpoint without
//     the value matches.
//   - SegmentGroups: Include (default ALL) combines the groups. In a group,
//     Type (default ALL) combines its Dimensions and SourceType (default
//     ANY, the console's "any of the following segments") combines its
//     SourceSegments; both parts must hold, and an empty part holds. NONE
//     means no member holds. Only one group is allowed, as in Pinpoint.
//   - SourceSegments are resolved through a Lookup (no Version: latest),
//     compiled recursively, and a cycle is an error. A group takes several
//     dimensional source segments or one imported one.
//   - A DIMENSIONAL segment with no criteria matches every endpoint. An
//     IMPORT segment matches the endpoints Subject.Member reports as its
//     members (and its dimensions, if any); with no Member function it
//     matches nothing.
//   - An empty Dimensions object next to SegmentGroups is ignored rather
//     than rejected as "both".
//
// # Time
//
// Dates are read by one allocation-free parser that accepts exactly what
// inapp.ParseTime accepts (RFC 3339 with or without fractional seconds, the
// same without a zone, meaning UTC, and a bare date "2026-02-05"). Time
// zones come from Zone: IANA names, cached, from the tz database compiled
// into the binary (time/tzdata) when the system has none.
package targeting
