package sqlite

import (
	"context"

	inapp "github.com/inappd/inappd"
)

var segments = versionedTable[inapp.Segment]{
	noun:     "Segment",
	head:     "segments",
	versions: "segment_versions",
	key:      func(s *inapp.Segment) (string, string, int) { return s.ApplicationID, s.ID, s.Version },
	onDelete: deleteSegmentMembers, // an IMPORT segment's members go with it
}

func (db *DB) PutSegment(ctx context.Context, seg *inapp.Segment) error {
	return segments.put(ctx, db, seg)
}

func (db *DB) GetSegment(ctx context.Context, appID, id string, version int) (*inapp.Segment, error) {
	return segments.get(ctx, db.read, appID, id, version)
}

func (db *DB) ListSegments(ctx context.Context, appID string, page inapp.Page) ([]*inapp.Segment, string, error) {
	return segments.list(ctx, db, appID, page)
}

func (db *DB) ListSegmentVersions(ctx context.Context, appID, id string, page inapp.Page) ([]*inapp.Segment, string, error) {
	return segments.listVersions(ctx, db, appID, id, page)
}

func (db *DB) DeleteSegment(ctx context.Context, appID, id string) (*inapp.Segment, error) {
	return segments.delete(ctx, db, appID, id)
}

func (db *DB) AllSegments(ctx context.Context, appID string) ([]*inapp.Segment, error) {
	return segments.all(ctx, db, appID)
}
