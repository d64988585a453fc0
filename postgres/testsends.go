package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	inapp "github.com/inappd/inappd"
)

// Test sends (inapp.TestSendStore), table test_sends (migration 0007).
// Its triggers announce every write on the change feed, so every node
// rebuilds the app's delivery snapshot, as after a campaign write.

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
	return db.update(ctx, "put test send", func(tx pgx.Tx) error {
		if err := appExists(ctx, tx, ts.ApplicationID); err != nil {
			return err
		}
		// A campaign deleted between this check and the insert fails the
		// insert's foreign key, which wrapErr reports as not found too.
		if _, err := campaigns.get(ctx, tx, ts.ApplicationID, ts.CampaignID, 0); err != nil {
			return err
		}
		var found bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM endpoints WHERE app_id = $1 AND id = $2)`,
			ts.ApplicationID, ts.EndpointID).Scan(&found); err != nil {
			return err
		}
		if !found {
			return errNoEndpoint(ts.ApplicationID, ts.EndpointID)
		}
		// Pruned here rather than by a background job: test sends are few,
		// and each new one sweeps its app.
		if _, err := tx.Exec(ctx, `DELETE FROM test_sends WHERE app_id = $1 AND expires_at <= $2`, ts.ApplicationID, created); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO test_sends (app_id, campaign_id, endpoint_id, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (app_id, campaign_id, endpoint_id) DO UPDATE SET created_at = EXCLUDED.created_at, expires_at = EXCLUDED.expires_at`,
			ts.ApplicationID, ts.CampaignID, ts.EndpointID, created, expires)
		return err
	})
}

func (db *DB) ListTestSends(ctx context.Context, appID, campaignID string, now time.Time) ([]*inapp.TestSend, error) {
	if err := appExists(ctx, db.pool, appID); err != nil {
		return nil, wrapErr("list test sends", err)
	}
	var rows pgx.Rows
	var err error
	if campaignID == "" {
		rows, err = db.pool.Query(ctx, `SELECT campaign_id, endpoint_id, created_at, expires_at FROM test_sends
			WHERE app_id = $1 AND expires_at > $2 ORDER BY created_at, campaign_id, endpoint_id`, appID, now)
	} else {
		rows, err = db.pool.Query(ctx, `SELECT campaign_id, endpoint_id, created_at, expires_at FROM test_sends
			WHERE app_id = $1 AND campaign_id = $2 AND expires_at > $3 ORDER BY created_at, endpoint_id`, appID, campaignID, now)
	}
	if err != nil {
		return nil, wrapErr("list test sends", err)
	}
	out := []*inapp.TestSend{}
	var campaign, endpoint string
	var created, expires time.Time
	_, err = pgx.ForEachRow(rows, []any{&campaign, &endpoint, &created, &expires}, func() error {
		out = append(out, &inapp.TestSend{
			ApplicationID: appID, CampaignID: campaign, EndpointID: endpoint,
			CreationDate: inapp.FormatTime(created), ExpiresAt: inapp.FormatTime(expires),
		})
		return nil
	})
	if err != nil {
		return nil, wrapErr("list test sends", err)
	}
	return out, nil
}

func (db *DB) DeleteTestSend(ctx context.Context, appID, campaignID, endpointID string) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM test_sends WHERE app_id = $1 AND campaign_id = $2 AND endpoint_id = $3`,
		appID, campaignID, endpointID)
	if err != nil {
		return wrapErr("delete test send", err)
	}
	if tag.RowsAffected() == 0 {
		return errNoTestSend(appID, campaignID, endpointID)
	}
	return nil
}
