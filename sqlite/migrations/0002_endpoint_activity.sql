-- Events keep a single index.
--
-- Each index on events costs about one random page write per event once
-- the table outgrows a write batch. events_by_time served only ListEvents
-- (rare: it now sorts an endpoint's events found through the unique key)
-- and EndpointActivity (hot: every GetInAppMessages that evaluates
-- Recency), which now reads endpoint_activity: one small row per
-- endpoint, moved once per batch. This cuts the bytes written per event
-- by about a third.

CREATE TABLE endpoint_activity (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	time        INTEGER NOT NULL, -- Unix nanoseconds, UTC: the latest event
	PRIMARY KEY (app_id, endpoint_id)
) WITHOUT ROWID;

INSERT INTO endpoint_activity (app_id, endpoint_id, time)
SELECT app_id, endpoint_id, max(time) FROM events GROUP BY app_id, endpoint_id;

DROP INDEX events_by_time;
