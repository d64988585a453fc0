-- Test sends (the console's "test send"): one campaign shown first to one
-- endpoint until expires, whatever its targeting. Delivery snapshots hold
-- them, so GetInAppMessages reads none of this per request; a snapshot is
-- rebuilt after every write here, as after a campaign write.
--
-- A test send goes away with its campaign (and so with its app). It does
-- not follow its endpoint: an endpoint deleted meanwhile gets nothing
-- anyway, and a foreign key to endpoints would make every endpoint delete
-- (DeleteApp deletes them all) look here.
CREATE TABLE test_sends (
	app_id      TEXT NOT NULL,
	campaign_id TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	created     INTEGER NOT NULL, -- Unix nanoseconds, UTC
	expires     INTEGER NOT NULL, -- Unix nanoseconds, UTC
	PRIMARY KEY (app_id, campaign_id, endpoint_id),
	FOREIGN KEY (app_id, campaign_id) REFERENCES campaigns (app_id, id) ON DELETE CASCADE
);
