package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	inapp "github.com/inappd/inappd"
)

// Test sends (inapp.TestSendStore), table test_sends (migration 0007).
// Times are Unix nanoseconds, as events keep theirs.

func errNoTestSend(appID, campaignID, endpointID string) error {
	return notFound("No test send of campaign %s to endpoint %s in application %s.", campaignID, endpointID, appID)
}

func (db *DB) PutTestSend(ctx context.Context, ts *inapp.TestSend) error {
	created, err := inapp.ParseTime(ts.CreationDate)
	if err != nil {
		return inapp.Errorf(inapp.EINVALID, "test send CreationDate: %v", err)
	}
	expires, err := inapp.ParseTime(ts.ExpiresAt)
	if err != nil {
		return inapp.Errorf(inapp.EINVALID, "test send ExpiresAt: %v", err)
	}
	return db.update(ctx, func(tx *sql.Tx) error {
		// Checked in the write transaction (the only writer): nothing can
		// delete them before the insert commits.
		if err := appExists(ctx, tx, ts.ApplicationID); err != nil {
			return err
		}
		if _, err := campaigns.get(ctx, tx, ts.ApplicationID, ts.CampaignID, 0); err != nil {
			return err
		}
		if e, err := getEndpoint(ctx, tx, ts.ApplicationID, ts.EndpointID); err != nil {
			return err
		} else if e == nil {
			return errNoEndpoint(ts.ApplicationID, ts.EndpointID)
		}
		// Pruned here rather than by a background job: test sends are few,
		// and each new one sweeps its app.
		if _, err := tx.ExecContext(ctx, `DELETE FROM test_sends WHERE app_id = ? AND expires <= ?`,
			ts.ApplicationID, created.UnixNano()); err != nil {
			return fmt.Errorf("sqlite: prune test sends: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO test_sends (app_id, campaign_id, endpoint_id, created, expires)
			VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (app_id, campaign_id, endpoint_id) DO UPDATE SET created = excluded.created, expires = excluded.expires`,
			ts.ApplicationID, ts.CampaignID, ts.EndpointID, created.UnixNano(), expires.UnixNano()); err != nil {
			return fmt.Errorf("sqlite: put test send: %w", err)
		}
		return nil
	})
}

func (db *DB) ListTestSends(ctx context.Context, appID, campaignID string, now time.Time) ([]*inapp.TestSend, error) {
	if err := appExists(ctx, db.read, appID); err != nil {
		return nil, err
	}
	// "campaign_id = ? OR ? = ''" would not use the key for one campaign.
	q := `SELECT campaign_id, endpoint_id, created, expires FROM test_sends
		WHERE app_id = ? AND expires > ? ORDER BY created, campaign_id, endpoint_id`
	args := []any{appID, now.UnixNano()}
	if campaignID != "" {
		q = `SELECT campaign_id, endpoint_id, created, expires FROM test_sends
		WHERE app_id = ? AND campaign_id = ? AND expires > ? ORDER BY created, endpoint_id`
		args = []any{appID, campaignID, now.UnixNano()}
	}
	rows, err := db.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list test sends: %w", err)
	}
	defer rows.Close()
	out := []*inapp.TestSend{}
	for rows.Next() {
		ts := &inapp.TestSend{ApplicationID: appID}
		var created, expires int64
		if err := rows.Scan(&ts.CampaignID, &ts.EndpointID, &created, &expires); err != nil {
			return nil, fmt.Errorf("sqlite: list test sends: %w", err)
		}
		ts.CreationDate = inapp.FormatTime(time.Unix(0, created))
		ts.ExpiresAt = inapp.FormatTime(time.Unix(0, expires))
		out = append(out, ts)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list test sends: %w", err)
	}
	return out, nil
}

func (db *DB) DeleteTestSend(ctx context.Context, appID, campaignID, endpointID string) error {
	res, err := db.write.ExecContext(ctx, `DELETE FROM test_sends WHERE app_id = ? AND campaign_id = ? AND endpoint_id = ?`,
		appID, campaignID, endpointID)
	if err != nil {
		return fmt.Errorf("sqlite: delete test send: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return errNoTestSend(appID, campaignID, endpointID)
	}
	return nil
}
