-- Analytics rollups (analytics.go): what the KPI operations,
-- GetCampaignActivities and the console read, so that none of them reads
-- the events table.
--
-- RecordEvents keeps both tables in the transaction that stores the events,
-- for fresh events that carry a campaign_id attribute. day is the UTC date
-- of the event's timestamp, or '*' for the lifetime row ('*' sorts before
-- every date, so date ranges never include it).
--
-- analytics_rollups: one row per (day, campaign, treatment, event type):
-- the events counted and the distinct endpoints that sent them. Keyed day
-- first: an app's rows of a date range are contiguous, and today's rows,
-- the ones written, stay together.
CREATE TABLE analytics_rollups (
	app_id       TEXT NOT NULL,
	day          TEXT NOT NULL,
	campaign_id  TEXT NOT NULL,
	treatment_id TEXT NOT NULL,
	event_type   TEXT NOT NULL,
	count        INTEGER NOT NULL,
	uniques      INTEGER NOT NULL,
	PRIMARY KEY (app_id, day, campaign_id, treatment_id, event_type)
) WITHOUT ROWID;

-- analytics_uniques: which endpoints were seen, per rollup row. A row is
-- inserted with ON CONFLICT DO NOTHING, and its rollup's uniques moves only
-- when the insert added it. Unique counts over a range of days are
-- count(DISTINCT endpoint_id) over these rows: they grow with endpoints ×
-- days, not with events. Keyed campaign first: a campaign's rows of a date
-- range are contiguous; app-wide queries seek each campaign that has
-- rollups in the range.
CREATE TABLE analytics_uniques (
	app_id       TEXT NOT NULL,
	campaign_id  TEXT NOT NULL,
	day          TEXT NOT NULL,
	event_type   TEXT NOT NULL,
	treatment_id TEXT NOT NULL,
	endpoint_id  TEXT NOT NULL,
	PRIMARY KEY (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
) WITHOUT ROWID;

-- Like events and counters, these carry no foreign key (a batch must not
-- fail for an app deleted meanwhile); a trigger removes them with the app,
-- in DeleteApp's transaction.
CREATE TRIGGER analytics_delete_app AFTER DELETE ON apps BEGIN
	DELETE FROM analytics_rollups WHERE app_id = old.id;
	DELETE FROM analytics_uniques WHERE app_id = old.id;
END;

-- Events stored before this migration: the same rows RecordEvents would
-- have written (one pass over events).
CREATE TEMP TABLE analytics_backfill AS
SELECT app_id, endpoint_id,
	strftime('%Y-%m-%d', time / 1000000000, 'unixepoch') AS day,
	json_extract(doc, '$.Attributes.campaign_id') AS campaign_id,
	coalesce(nullif(json_extract(doc, '$.Attributes.treatment_id'), ''), '0') AS treatment_id,
	json_extract(doc, '$.EventType') AS event_type
FROM events
WHERE json_valid(doc) AND json_type(doc, '$.Attributes.campaign_id') = 'text'
	AND json_extract(doc, '$.Attributes.campaign_id') <> ''
	AND json_type(doc, '$.EventType') = 'text';

INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
SELECT DISTINCT app_id, campaign_id, day, event_type, treatment_id, endpoint_id FROM analytics_backfill
UNION
SELECT DISTINCT app_id, campaign_id, '*', event_type, treatment_id, endpoint_id FROM analytics_backfill;

INSERT INTO analytics_rollups (app_id, day, campaign_id, treatment_id, event_type, count, uniques)
SELECT app_id, day, campaign_id, treatment_id, event_type, count(*), count(DISTINCT endpoint_id)
FROM analytics_backfill GROUP BY app_id, day, campaign_id, treatment_id, event_type
UNION ALL
SELECT app_id, '*', campaign_id, treatment_id, event_type, count(*), count(DISTINCT endpoint_id)
FROM analytics_backfill GROUP BY app_id, campaign_id, treatment_id, event_type;

DROP TABLE analytics_backfill;
