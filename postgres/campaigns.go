package postgres

import (
	"context"

	inapp "github.com/inappd/inappd"
)

var campaigns = versionedTable[inapp.Campaign]{
	noun:     "Campaign",
	head:     "campaigns",
	versions: "campaign_versions",
	key:      func(c *inapp.Campaign) (string, string, int) { return c.ApplicationID, c.ID, c.Version },
}

func (db *DB) PutCampaign(ctx context.Context, c *inapp.Campaign) error {
	return campaigns.put(ctx, db, c)
}

func (db *DB) GetCampaign(ctx context.Context, appID, id string, version int) (*inapp.Campaign, error) {
	return campaigns.get(ctx, db.pool, appID, id, version)
}

func (db *DB) ListCampaigns(ctx context.Context, appID string, page inapp.Page) ([]*inapp.Campaign, string, error) {
	return campaigns.list(ctx, db, appID, page)
}

func (db *DB) ListCampaignVersions(ctx context.Context, appID, id string, page inapp.Page) ([]*inapp.Campaign, string, error) {
	return campaigns.listVersions(ctx, db, appID, id, page)
}

func (db *DB) DeleteCampaign(ctx context.Context, appID, id string) (*inapp.Campaign, error) {
	return campaigns.delete(ctx, db, appID, id)
}

func (db *DB) AllCampaigns(ctx context.Context, appID string) ([]*inapp.Campaign, error) {
	return campaigns.all(ctx, db, appID)
}
