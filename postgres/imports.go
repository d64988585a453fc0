package postgres

import (
	"context"
	"errors"
	"slices"

	"github.com/jackc/pgx/v5"

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

// CreateImportJob inserts the job; the foreign key refuses a missing app.
func (db *DB) CreateImportJob(ctx context.Context, job *inapp.ImportJob) error {
	segmentID, doc, state, err := docs.JobColumns(job)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `INSERT INTO import_jobs (app_id, id, segment_id, status, doc, state) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (app_id, id) DO NOTHING`, job.ApplicationID, job.ID, segmentID, job.JobStatus, doc, state)
	if sqlState(err) == "23503" {
		return errNoApp(job.ApplicationID)
	}
	if err != nil {
		return wrapErr("create import job", err)
	}
	if tag.RowsAffected() == 0 {
		return inapp.Errorf(inapp.ECONFLICT, "Import job %s already exists in application %s.", job.ID, job.ApplicationID)
	}
	return nil
}

func (db *DB) GetImportJob(ctx context.Context, appID, id string) (*inapp.ImportJob, error) {
	var doc, state string
	err := db.pool.QueryRow(ctx, `SELECT doc, state FROM import_jobs WHERE app_id = $1 AND id = $2`, appID, id).Scan(&doc, &state)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errNoImportJob(appID, id)
	}
	if err != nil {
		return nil, wrapErr("get import job", err)
	}
	job, err := docs.DecodeJob(doc, state)
	return job, wrapErr("get import job", err)
}

// ListImportJobs lists newest first: the token is the last seq shown.
func (db *DB) ListImportJobs(ctx context.Context, appID, segmentID string, page inapp.Page) ([]*inapp.ImportJob, string, error) {
	before, err := beforeVersion(page)
	if err != nil {
		return nil, "", err
	}
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, "", wrapErr("list import jobs", err)
	}
	size := pageSize(page)
	var rows pgx.Rows
	if segmentID == "" {
		rows, err = db.pool.Query(ctx, `SELECT seq, doc, state FROM import_jobs
			WHERE app_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3`, appID, before, size+1)
	} else {
		rows, err = db.pool.Query(ctx, `SELECT seq, doc, state FROM import_jobs
			WHERE app_id = $1 AND segment_id = $2 AND seq < $3 ORDER BY seq DESC LIMIT $4`, appID, segmentID, before, size+1)
	}
	if err != nil {
		return nil, "", wrapErr("list import jobs", err)
	}
	jobs, next, err := readJobs(rows, size)
	return jobs, next, wrapErr("list import jobs", err)
}

// readJobs is readPage for (seq, doc, state) rows.
func readJobs(rows pgx.Rows, size int) ([]*inapp.ImportJob, string, error) {
	jobs := []*inapp.ImportJob{}
	var seqs []int64
	var seq int64
	var doc, state string
	_, err := pgx.ForEachRow(rows, []any{&seq, &doc, &state}, func() error {
		job, err := docs.DecodeJob(doc, state)
		jobs, seqs = append(jobs, job), append(seqs, seq)
		return err
	})
	if err != nil {
		return nil, "", err
	}
	if size >= 0 && len(jobs) > size {
		return jobs[:size], pageToken(seqs[size-1]), nil
	}
	return jobs, "", nil
}

func (db *DB) UpdateImportJob(ctx context.Context, job *inapp.ImportJob) error {
	segmentID, doc, state, err := docs.JobColumns(job)
	if err != nil {
		return err
	}
	tag, err := db.pool.Exec(ctx, `UPDATE import_jobs SET segment_id = $3, status = $4, doc = $5, state = $6 WHERE app_id = $1 AND id = $2`,
		job.ApplicationID, job.ID, segmentID, job.JobStatus, doc, state)
	if err != nil {
		return wrapErr("update import job", err)
	}
	if tag.RowsAffected() == 0 {
		return errNoImportJob(job.ApplicationID, job.ID)
	}
	return nil
}

func (db *DB) UnfinishedImportJobs(ctx context.Context) ([]*inapp.ImportJob, error) {
	rows, err := db.pool.Query(ctx, `SELECT seq, doc, state FROM import_jobs
		WHERE status NOT IN ('COMPLETED', 'FAILED') ORDER BY seq`)
	if err != nil {
		return nil, wrapErr("unfinished import jobs", err)
	}
	jobs, _, err := readJobs(rows, -1)
	return jobs, wrapErr("unfinished import jobs", err)
}

// membersPerInsert bounds the rows of one INSERT (one array parameter per
// column); a call adds all its members in one transaction.
const membersPerInsert = 10_000

// AddSegmentMembers inserts the members in key order with ON CONFLICT DO
// NOTHING: adding a member twice, or two nodes adding the same members at
// once, is harmless.
func (db *DB) AddSegmentMembers(ctx context.Context, appID, segmentID string, endpointIDs []string) error {
	ids := slices.Clone(endpointIDs)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	return db.update(ctx, "add segment members", func(tx pgx.Tx) error {
		// No foreign key on segment_members: check the app, and keep it
		// (KEY SHARE) from being deleted until this commits.
		var one int
		err := tx.QueryRow(ctx, `SELECT 1 FROM apps WHERE id = $1 FOR KEY SHARE`, appID).Scan(&one)
		if errors.Is(err, pgx.ErrNoRows) {
			return errNoApp(appID)
		}
		if err != nil {
			return err
		}
		for rest := ids; len(rest) > 0; {
			n := min(len(rest), membersPerInsert)
			if _, err := tx.Exec(ctx, `INSERT INTO segment_members (app_id, endpoint_id, segment_id)
				SELECT $1, u.id, $3 FROM unnest($2::text[]) WITH ORDINALITY AS u(id, ord) ORDER BY u.ord
				ON CONFLICT DO NOTHING`, appID, rest[:n], segmentID); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
}

func (db *DB) SegmentMemberships(ctx context.Context, appID, endpointID string) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT segment_id FROM segment_members WHERE app_id = $1 AND endpoint_id = $2`, keyText(appID), keyText(endpointID))
	if err != nil {
		return nil, wrapErr("segment memberships", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrapErr("segment memberships", err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}

// memberBatch is how many member IDs ListSegmentMembers hands over at once.
const memberBatch = 1000

func (db *DB) ListSegmentMembers(ctx context.Context, appID, segmentID string, fn func(endpointIDs []string) error) error {
	rows, err := db.pool.Query(ctx, `SELECT endpoint_id FROM segment_members WHERE app_id = $1 AND segment_id = $2`, keyText(appID), keyText(segmentID))
	if err != nil {
		return wrapErr("list segment members", err)
	}
	defer rows.Close()
	batch := make([]string, 0, memberBatch)
	var id string
	var fnErr error
	_, err = pgx.ForEachRow(rows, []any{&id}, func() error {
		if batch = append(batch, id); len(batch) == memberBatch {
			if fnErr = fn(batch); fnErr != nil {
				return fnErr
			}
			batch = make([]string, 0, memberBatch)
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return wrapErr("list segment members", err)
	}
	if len(batch) > 0 {
		return fn(batch)
	}
	return nil
}

func (db *DB) CountSegmentMembers(ctx context.Context, appID, segmentID string) (int, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT count(*) FROM segment_members WHERE app_id = $1 AND segment_id = $2`, appID, segmentID).Scan(&n)
	if err != nil {
		return 0, wrapErr("count segment members", err)
	}
	return int(n), nil
}

// UserEndpointIDs reads the IDs of the users' endpoints that count toward
// the per-user limit (not INACTIVE), in one query: an
// import checks a piece's users with it. Without it the import asked
// UserEndpoints once per user, a round trip each (a tenth of
// PostgreSQL's busy time in a 300,000-row import).
func (db *DB) UserEndpointIDs(ctx context.Context, appID string, userIDs []string) (map[string][]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT user_id, id FROM endpoints
		WHERE app_id = $1 AND user_id = ANY($2) AND (doc::json) ->> 'EndpointStatus' IS DISTINCT FROM 'INACTIVE'`, appID, userIDs)
	if err != nil {
		return nil, wrapErr("user endpoint IDs", err)
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var user, id string
		if err := rows.Scan(&user, &id); err != nil {
			return nil, wrapErr("user endpoint IDs", err)
		}
		out[user] = append(out[user], id)
	}
	return out, wrapErr("user endpoint IDs", rows.Err())
}
