package docs

import (
	"reflect"
	"testing"

	inapp "github.com/inappd/inappd"
)

func TestJobRoundTrip(t *testing.T) {
	job := &inapp.ImportJob{ID: "j1", ApplicationID: "a1", JobStatus: "PROCESSING", CompletedPieces: 3,
		Definition: &inapp.ImportJobResource{Format: "CSV", S3Url: "file:///x.csv", SegmentID: "s1"},
		State:      &inapp.ImportState{}}
	seg, doc, state, err := JobColumns(job)
	if err != nil || seg != "s1" {
		t.Fatalf("JobColumns = %q, %v", seg, err)
	}
	back, err := DecodeJob(doc, state)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(back, job) {
		t.Errorf("round trip:\n got %+v\nwant %+v", back, job)
	}
	if _, err := DecodeJob("{", state); err == nil {
		t.Error("DecodeJob accepted a broken document")
	}
}
