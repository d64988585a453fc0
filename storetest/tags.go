package storetest

import (
	"testing"

	inapp "github.com/inappd/inappd"
)

var tagTests = []test{
	{"AddMergeRemoveDelete", testTags},
}

func wantTags(t *testing.T, s inapp.Store, arn string, want map[string]string) {
	t.Helper()
	got, err := s.GetTags(t.Context(), arn)
	must(t, "GetTags", err)
	if len(got) == 0 && len(want) == 0 {
		return
	}
	sameJSON(t, "tags of "+arn, got, want)
}

func testTags(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	arn, other := inapp.AppArn("a"), inapp.SegmentArn("a", "s")
	wantTags(t, s, arn, nil)

	must(t, "AddTags", s.AddTags(ctx, arn, map[string]string{"a": "1", "b": "2"}))
	must(t, "AddTags other", s.AddTags(ctx, other, map[string]string{"a": "other"}))
	wantTags(t, s, arn, map[string]string{"a": "1", "b": "2"})

	// AddTags merges: new keys are added, existing ones replaced.
	must(t, "AddTags merge", s.AddTags(ctx, arn, map[string]string{"b": "3", "c": ""}))
	wantTags(t, s, arn, map[string]string{"a": "1", "b": "3", "c": ""})

	must(t, "RemoveTags", s.RemoveTags(ctx, arn, []string{"a", "absent"}))
	wantTags(t, s, arn, map[string]string{"b": "3", "c": ""})
	must(t, "RemoveTags of an ARN without tags", s.RemoveTags(ctx, "arn:none", []string{"a"}))

	must(t, "DeleteTags", s.DeleteTags(ctx, arn))
	wantTags(t, s, arn, nil)
	must(t, "DeleteTags of an ARN without tags", s.DeleteTags(ctx, "arn:none"))
	wantTags(t, s, other, map[string]string{"a": "other"})
}
