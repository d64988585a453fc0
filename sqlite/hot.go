package sqlite

import (
	"context"
	"fmt"
)

// The statements GetInAppMessages runs on every request.
const (
	getEndpointSQL = `SELECT doc FROM endpoints WHERE app_id = ? AND id = ?`
	capCountsSQL   = `SELECT day, campaign_id, count FROM counters
		WHERE app_id = ? AND endpoint_id = ? AND day IN (?, ?)`
)

func (db *DB) prepareHotReads(ctx context.Context) error {
	var err error
	if db.getEndpointStmt, err = db.read.PrepareContext(ctx, getEndpointSQL); err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	if db.capCountsStmt, err = db.read.PrepareContext(ctx, capCountsSQL); err != nil {
		return fmt.Errorf("sqlite: prepare: %w", err)
	}
	return nil
}
