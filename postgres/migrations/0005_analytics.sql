-- Analytics rollups (analytics.go): what the KPI operations,
-- GetCampaignActivities and the console read, so that none of them reads
-- the events table.
--
-- RecordEvents keeps both tables in the transaction that stores the events,
-- for fresh events that carry a campaign_id attribute. day is the UTC date
-- of the event's timestamp, or '*' for the lifetime row ('*' sorts before
-- every date in the "C" collation, so date ranges never include it).
--
-- analytics_rollups: per (day, campaign, treatment, event type) the events
-- counted and the distinct endpoints that sent them, split over a few
-- shards. Every batch with a display of a campaign updates that campaign's
-- row of the day, and holds its lock until it commits: with one row,
-- batches from several nodes would queue behind each other. Each
-- transaction picks one shard at random; readers add the shards up.
-- Keyed day first: an app's rows of a date range are contiguous.
CREATE TABLE analytics_rollups (
	app_id       text COLLATE "C" NOT NULL,
	day          text COLLATE "C" NOT NULL,
	campaign_id  text COLLATE "C" NOT NULL,
	treatment_id text COLLATE "C" NOT NULL,
	event_type   text COLLATE "C" NOT NULL,
	shard        smallint NOT NULL,
	count        bigint NOT NULL,
	uniques      bigint NOT NULL,
	PRIMARY KEY (app_id, day, campaign_id, treatment_id, event_type, shard)
) WITH (fillfactor = 80);

-- analytics_uniques: which endpoints were seen, per rollup row. A row is
-- inserted with ON CONFLICT DO NOTHING, and its rollup's uniques moves only
-- when the insert added it. Unique counts over a range of days are
-- count(DISTINCT endpoint_id) over these rows: they grow with endpoints ×
-- days, not with events. Keyed campaign first: a campaign's rows of a date
-- range are contiguous; app-wide queries seek each campaign that has
-- rollups in the range.
CREATE TABLE analytics_uniques (
	app_id       text COLLATE "C" NOT NULL,
	campaign_id  text COLLATE "C" NOT NULL,
	day          text COLLATE "C" NOT NULL,
	event_type   text COLLATE "C" NOT NULL,
	treatment_id text COLLATE "C" NOT NULL,
	endpoint_id  text COLLATE "C" NOT NULL,
	PRIMARY KEY (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
);

-- Like events and counters, these carry no foreign key (a batch must not
-- fail for an app deleted meanwhile); a trigger removes them with the app,
-- in DeleteApp's transaction.
CREATE FUNCTION inappd_analytics_forget_apps() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM analytics_rollups WHERE app_id IN (SELECT id FROM gone);
	DELETE FROM analytics_uniques WHERE app_id IN (SELECT id FROM gone);
	RETURN NULL;
END $$;

CREATE TRIGGER apps_analytics_delete AFTER DELETE ON apps REFERENCING OLD TABLE AS gone
	FOR EACH STATEMENT EXECUTE FUNCTION inappd_analytics_forget_apps();

-- Events stored before this migration: the same rows RecordEvents would
-- have written (one pass over events). Documents whose text cannot be
-- read as JSON text values (a \u0000 escape) are left out rather than
-- failing the upgrade.
CREATE TEMP TABLE analytics_backfill ON COMMIT DROP AS
SELECT e.app_id, e.endpoint_id,
	to_char(to_timestamp(e.time / 1000000000) AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day,
	d.doc -> 'Attributes' ->> 'campaign_id' AS campaign_id,
	coalesce(nullif(d.doc -> 'Attributes' ->> 'treatment_id', ''), '0') AS treatment_id,
	d.doc ->> 'EventType' AS event_type
FROM events e, LATERAL (SELECT CASE WHEN e.doc LIKE '%"campaign_id"%' AND e.doc NOT LIKE '%\\u0000%'
	THEN e.doc::jsonb END AS doc) d
WHERE jsonb_typeof(d.doc -> 'Attributes' -> 'campaign_id') = 'string'
	AND d.doc -> 'Attributes' ->> 'campaign_id' <> ''
	AND jsonb_typeof(d.doc -> 'EventType') = 'string';

INSERT INTO analytics_uniques (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
SELECT app_id, campaign_id, day, event_type, treatment_id, endpoint_id FROM analytics_backfill
UNION
SELECT app_id, campaign_id, '*', event_type, treatment_id, endpoint_id FROM analytics_backfill;

INSERT INTO analytics_rollups (app_id, day, campaign_id, treatment_id, event_type, shard, count, uniques)
SELECT app_id, day, campaign_id, treatment_id, event_type, 0, count(*), count(DISTINCT endpoint_id)
FROM analytics_backfill GROUP BY app_id, day, campaign_id, treatment_id, event_type
UNION ALL
SELECT app_id, '*', campaign_id, treatment_id, event_type, 0, count(*), count(DISTINCT endpoint_id)
FROM analytics_backfill GROUP BY app_id, campaign_id, treatment_id, event_type;
