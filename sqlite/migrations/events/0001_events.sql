-- The events file (inappd.events.db beside inappd.db): what RecordEvents
-- writes, under a write lock of its own, so that no admin or endpoint
-- write waits for an event batch (db.go). These are the tables the main
-- file held up to its migration 0010, as they were then, except that the
-- stream outbox has no foreign key to event_streams (another file):
-- DeleteEventStream and DeleteApp delete its rows themselves (cleanup.go).
-- The main file's tables move here when it is opened (split.go).

CREATE TABLE events (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	time        INTEGER NOT NULL, -- Unix nanoseconds, UTC
	cap_day     TEXT NOT NULL,
	doc         TEXT NOT NULL,
	UNIQUE (app_id, endpoint_id, event_id) -- retries are idempotent
);
CREATE INDEX events_by_time ON events (time);

CREATE TABLE counters (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	day         TEXT NOT NULL,
	campaign_id TEXT NOT NULL,
	count       INTEGER NOT NULL,
	PRIMARY KEY (app_id, endpoint_id, day, campaign_id)
) WITHOUT ROWID;
CREATE INDEX counters_by_day ON counters (day) WHERE day <> '*';

CREATE TABLE endpoint_activity (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	time        INTEGER NOT NULL, -- Unix nanoseconds, UTC: the latest event
	PRIMARY KEY (app_id, endpoint_id)
) WITHOUT ROWID;

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

CREATE TABLE analytics_uniques (
	app_id       TEXT NOT NULL,
	campaign_id  TEXT NOT NULL,
	day          TEXT NOT NULL,
	event_type   TEXT NOT NULL,
	treatment_id TEXT NOT NULL,
	endpoint_id  TEXT NOT NULL,
	PRIMARY KEY (app_id, campaign_id, day, event_type, treatment_id, endpoint_id)
) WITHOUT ROWID;

CREATE TABLE stream_outbox (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	arrival     INTEGER NOT NULL -- Unix milliseconds: when the event was stored
);
CREATE INDEX stream_outbox_by_app ON stream_outbox (app_id, seq);

-- The tables whose rows were copied from the main file: the copy and its
-- row here commit together, so a crash before the main file drops its
-- table never copies the rows twice.
CREATE TABLE moved_from_main (
	name TEXT PRIMARY KEY
) WITHOUT ROWID;

-- The ID of the main file this file belongs to (pair.go).
CREATE TABLE main_file (
	id TEXT NOT NULL
);
