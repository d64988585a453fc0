package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/internal/docs"
)

var (
	_ inapp.ImportStore          = (*DB)(nil)
	_ inapp.UserEndpointIDLister = (*DB)(nil)
)

func errNoImportJob(appID, id string) error {
	return notFound("Import job %s not found in application %s.", id, appID)
}

func (db *DB) CreateImportJob(ctx context.Context, job *inapp.ImportJob) error {
	segmentID, doc, state, err := docs.JobColumns(job)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, job.ApplicationID); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO import_jobs (app_id, id, segment_id, status, doc, state) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (app_id, id) DO NOTHING`, job.ApplicationID, job.ID, segmentID, job.JobStatus, doc, state)
		if err != nil {
			return fmt.Errorf("sqlite: create import job: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return inapp.Errorf(inapp.ECONFLICT, "Import job %s already exists in application %s.", job.ID, job.ApplicationID)
		}
		return nil
	})
}

func (db *DB) GetImportJob(ctx context.Context, appID, id string) (*inapp.ImportJob, error) {
	var doc, state string
	err := db.read.QueryRowContext(ctx, `SELECT doc, state FROM import_jobs WHERE app_id = ? AND id = ?`, appID, id).Scan(&doc, &state)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoImportJob(appID, id)
	}
	if err != nil {
		return nil, fmt.Errorf("sqlite: get import job: %w", err)
	}
	return docs.DecodeJob(doc, state)
}

func (db *DB) ListImportJobs(ctx context.Context, appID, segmentID string, page inapp.Page) ([]*inapp.ImportJob, string, error) {
	before, err := beforeVersion(page) // newest first: the token is the last seq shown
	if err != nil {
		return nil, "", err
	}
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, "", err
	}
	size := pageSize(page)
	var rows *sql.Rows
	if segmentID == "" {
		rows, err = db.read.QueryContext(ctx, `SELECT seq, doc, state FROM import_jobs
			WHERE app_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, appID, before, size+1)
	} else {
		rows, err = db.read.QueryContext(ctx, `SELECT seq, doc, state FROM import_jobs
			WHERE app_id = ? AND segment_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?`, appID, segmentID, before, size+1)
	}
	if err != nil {
		return nil, "", fmt.Errorf("sqlite: list import jobs: %w", err)
	}
	return readPage(rows, size, scanJob)
}

func scanJob(rows *sql.Rows) (int64, *inapp.ImportJob, error) {
	var seq int64
	var doc, state string
	if err := rows.Scan(&seq, &doc, &state); err != nil {
		return 0, nil, fmt.Errorf("sqlite: scan import job: %w", err)
	}
	job, err := docs.DecodeJob(doc, state)
	return seq, job, err
}

func (db *DB) UpdateImportJob(ctx context.Context, job *inapp.ImportJob) error {
	segmentID, doc, state, err := docs.JobColumns(job)
	if err != nil {
		return err
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE import_jobs SET segment_id = ?, status = ?, doc = ?, state = ? WHERE app_id = ? AND id = ?`,
			segmentID, job.JobStatus, doc, state, job.ApplicationID, job.ID)
		if err != nil {
			return fmt.Errorf("sqlite: update import job: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoImportJob(job.ApplicationID, job.ID)
		}
		return nil
	})
}

func (db *DB) UnfinishedImportJobs(ctx context.Context) ([]*inapp.ImportJob, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT seq, doc, state FROM import_jobs
		WHERE status NOT IN ('COMPLETED', 'FAILED') ORDER BY seq`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: unfinished import jobs: %w", err)
	}
	jobs, _, err := readPage(rows, -1, scanJob)
	return jobs, err
}

// membersPerInsert is how many rows one INSERT statement writes: one
// statement per row would spend most of an import's time in the driver.
const membersPerInsert = 200

func (db *DB) AddSegmentMembers(ctx context.Context, appID, segmentID string, endpointIDs []string) error {
	if len(endpointIDs) == 0 {
		return appExists(ctx, db.read, appID)
	}
	// In key order, the inserts touch each page of the key once.
	ids := slices.Clone(endpointIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return db.update(ctx, func(tx *sql.Tx) error {
		if err := appExists(ctx, tx, appID); err != nil {
			return err
		}
		var full *sql.Stmt
		defer func() {
			if full != nil {
				full.Close()
			}
		}()
		args := make([]any, 0, 3*membersPerInsert)
		for len(ids) > 0 {
			n := min(len(ids), membersPerInsert)
			args = args[:0]
			for _, id := range ids[:n] {
				args = append(args, appID, id, segmentID)
			}
			var err error
			if n == membersPerInsert {
				if full == nil {
					if full, err = tx.PrepareContext(ctx, insertMembers(n)); err != nil {
						return fmt.Errorf("sqlite: add segment members: %w", err)
					}
				}
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, insertMembers(n), args...)
			}
			if err != nil {
				return fmt.Errorf("sqlite: add segment members: %w", err)
			}
			ids = ids[n:]
		}
		return nil
	})
}

func insertMembers(n int) string {
	var b strings.Builder
	b.WriteString(`INSERT INTO segment_members (app_id, endpoint_id, segment_id) VALUES `)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("(?, ?, ?)")
	}
	b.WriteString(` ON CONFLICT DO NOTHING`)
	return b.String()
}

func (db *DB) SegmentMemberships(ctx context.Context, appID, endpointID string) ([]string, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT segment_id FROM segment_members WHERE app_id = ? AND endpoint_id = ?`, appID, endpointID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: segment memberships: %w", err)
	}
	defer rows.Close()
	ids := []string{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("sqlite: segment memberships: %w", err)
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: segment memberships: %w", err)
	}
	return ids, nil
}

func (db *DB) CountSegmentMembers(ctx context.Context, appID, segmentID string) (int, error) {
	var n int
	if err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM segment_members WHERE app_id = ? AND segment_id = ?`, appID, segmentID).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count segment members: %w", err)
	}
	return n, nil
}

// memberBatch is how many member IDs ListSegmentMembers hands over at once.
const memberBatch = 1000

// ListSegmentMembers reads the (app_id, segment_id) index, which holds the
// endpoint IDs too: one range, no table lookups.
func (db *DB) ListSegmentMembers(ctx context.Context, appID, segmentID string, fn func(endpointIDs []string) error) error {
	rows, err := db.read.QueryContext(ctx, `SELECT endpoint_id FROM segment_members WHERE app_id = ? AND segment_id = ?`, appID, segmentID)
	if err != nil {
		return fmt.Errorf("sqlite: list segment members: %w", err)
	}
	defer rows.Close()
	batch := make([]string, 0, memberBatch)
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return fmt.Errorf("sqlite: list segment members: %w", err)
		}
		if batch = append(batch, id); len(batch) == memberBatch {
			if err := fn(batch); err != nil {
				return err
			}
			batch = make([]string, 0, memberBatch)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: list segment members: %w", err)
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

// deleteSegmentMembers runs inside DeleteSegment's transaction.
func deleteSegmentMembers(ctx context.Context, tx *sql.Tx, appID, segmentID string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM segment_members WHERE app_id = ? AND segment_id = ?`, appID, segmentID); err != nil {
		return fmt.Errorf("sqlite: delete segment members: %w", err)
	}
	return nil
}

func (db *DB) UserEndpointIDs(ctx context.Context, appID string, userIDs []string) (map[string][]string, error) {
	out := map[string][]string{}
	args := make([]any, 0, endpointBatch+1)
	for len(userIDs) > 0 {
		n := min(len(userIDs), endpointBatch)
		args = append(args[:0], appID)
		for _, u := range userIDs[:n] {
			args = append(args, u)
		}
		userIDs = userIDs[n:]
		rows, err := db.read.QueryContext(ctx, `SELECT user_id, id FROM endpoints WHERE app_id = ? AND user_id IN (?`+strings.Repeat(",?", n-1)+`)
			AND json_extract(doc, '$.EndpointStatus') IS NOT 'INACTIVE'`, args...)
		if err != nil {
			return nil, fmt.Errorf("sqlite: user endpoint IDs: %w", err)
		}
		for rows.Next() {
			var u, id string
			if err := rows.Scan(&u, &id); err != nil {
				rows.Close()
				return nil, fmt.Errorf("sqlite: user endpoint IDs: %w", err)
			}
			out[u] = append(out[u], id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: user endpoint IDs: %w", err)
		}
	}
	return out, nil
}
