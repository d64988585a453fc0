// Package docs renders the JSON documents the storage backends keep, where
// a backend's columns are more than one document (import jobs: the
// ImportJobResponse and the runner's hidden state).
package docs

import (
	"encoding/json"
	"fmt"

	inapp "github.com/inappd/inappd"
)

// JobColumns renders the stored columns of an import job: the segment it
// feeds, the job as clients see it, and the runner's state.
func JobColumns(job *inapp.ImportJob) (segmentID, doc, state string, err error) {
	if job.Definition != nil {
		segmentID = job.Definition.SegmentID
	}
	if doc, err = encode(job); err != nil {
		return
	}
	st := job.State
	if st == nil {
		st = &inapp.ImportState{}
	}
	state, err = encode(st)
	return
}

// DecodeJob reads the columns JobColumns wrote.
func DecodeJob(doc, state string) (*inapp.ImportJob, error) {
	job := new(inapp.ImportJob)
	if err := json.Unmarshal([]byte(doc), job); err != nil {
		return nil, fmt.Errorf("decode import job: %w", err)
	}
	job.State = new(inapp.ImportState)
	if err := json.Unmarshal([]byte(state), job.State); err != nil {
		return nil, fmt.Errorf("decode import job state: %w", err)
	}
	return job, nil
}

func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("encode %T: %w", v, err)
	}
	return string(b), nil
}
