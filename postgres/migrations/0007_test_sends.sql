-- Test sends (the console's "test send"): one campaign shown first to one
-- endpoint until expires_at, whatever its targeting. Delivery snapshots
-- hold them, so GetInAppMessages reads none of this per request.
--
-- A test send goes away with its campaign (and so with its app). It does
-- not follow its endpoint: an endpoint deleted meanwhile gets nothing
-- anyway, and a foreign key to endpoints would make every endpoint delete
-- (DeleteApp deletes them all) look here.
CREATE TABLE test_sends (
	app_id      text COLLATE "C" NOT NULL,
	campaign_id text COLLATE "C" NOT NULL,
	endpoint_id text COLLATE "C" NOT NULL,
	created_at  timestamptz NOT NULL,
	expires_at  timestamptz NOT NULL,
	PRIMARY KEY (app_id, campaign_id, endpoint_id),
	FOREIGN KEY (app_id, campaign_id) REFERENCES campaigns (app_id, id) ON DELETE CASCADE
);

-- Snapshots are built from this table too: every write announces itself
-- on the change feed (migration 0003), so that every node drops the app's
-- snapshot, as for a campaign write. Cascaded deletes (a campaign or app
-- deleted) announce themselves as well.
DO $$
DECLARE
	op text;
BEGIN
	FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
		EXECUTE format('CREATE TRIGGER %I AFTER %s ON test_sends REFERENCING %s TABLE AS changed_rows
			FOR EACH STATEMENT EXECUTE FUNCTION inappd_note_change(%L)',
			'test_sends_changed_' || lower(op), op,
			CASE op WHEN 'DELETE' THEN 'OLD' ELSE 'NEW' END, 'app_id');
	END LOOP;
END $$;
