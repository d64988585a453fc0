-- The initial schema.
--
-- Every resource is kept as the JSON document the API returns (doc), next
-- to the columns needed to find and order it. seq columns are AUTOINCREMENT
-- so they only ever grow, even after deletes: listings page in creation
-- order with "seq > token", and a token never comes to point at a newer row.

CREATE TABLE apps (
	seq INTEGER PRIMARY KEY AUTOINCREMENT,
	id  TEXT NOT NULL UNIQUE,
	doc TEXT NOT NULL
);

-- Rows that belong to an app go away with it (ON DELETE CASCADE).

CREATE TABLE app_settings (
	app_id TEXT PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
	doc    TEXT NOT NULL
);

CREATE TABLE endpoints (
	app_id  TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id      TEXT NOT NULL,
	user_id TEXT, -- User.UserId, NULL when the endpoint has none
	doc     TEXT NOT NULL,
	PRIMARY KEY (app_id, id)
);
CREATE INDEX endpoints_by_user ON endpoints (app_id, user_id) WHERE user_id IS NOT NULL;

-- A segment is a head row (creation order, latest version) and its
-- versions. The latest version is the segment.
CREATE TABLE segments (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id     TEXT NOT NULL,
	latest INTEGER NOT NULL,
	UNIQUE (app_id, id)
);
-- (app_id, seq): an index on app_id alone is ordered by rowid within it.
CREATE INDEX segments_by_app ON segments (app_id);

CREATE TABLE segment_versions (
	app_id  TEXT NOT NULL,
	id      TEXT NOT NULL,
	version INTEGER NOT NULL,
	doc     TEXT NOT NULL,
	PRIMARY KEY (app_id, id, version),
	FOREIGN KEY (app_id, id) REFERENCES segments (app_id, id) ON DELETE CASCADE
);

CREATE TABLE campaigns (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	app_id TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id     TEXT NOT NULL,
	latest INTEGER NOT NULL,
	UNIQUE (app_id, id)
);
CREATE INDEX campaigns_by_app ON campaigns (app_id);

CREATE TABLE campaign_versions (
	app_id  TEXT NOT NULL,
	id      TEXT NOT NULL,
	version INTEGER NOT NULL,
	doc     TEXT NOT NULL,
	PRIMARY KEY (app_id, id, version),
	FOREIGN KEY (app_id, id) REFERENCES campaigns (app_id, id) ON DELETE CASCADE
);

-- Templates belong to the account, not to an app.
CREATE TABLE templates (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	name   TEXT NOT NULL UNIQUE,
	active INTEGER NOT NULL
);

CREATE TABLE template_versions (
	name    TEXT NOT NULL REFERENCES templates (name) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	doc     TEXT NOT NULL,
	PRIMARY KEY (name, version)
);

-- Events and counters carry no foreign key on purpose: they are written in
-- large group-commit batches, and one app deleted meanwhile must not fail
-- a batch that holds other apps' events. DeleteApp removes them itself.
CREATE TABLE events (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	time        INTEGER NOT NULL, -- Unix nanoseconds, UTC
	cap_day     TEXT NOT NULL,
	doc         TEXT NOT NULL,
	UNIQUE (app_id, endpoint_id, event_id) -- retries are idempotent
);
CREATE INDEX events_by_time ON events (app_id, endpoint_id, time);

-- Display counts per endpoint and campaign: day is "2006-01-02" for one
-- local day, "*" for the total. The key puts day before campaign_id so that
-- CapCounts reads exactly the "*" rows and the one day's rows of an
-- endpoint, however many old days have accumulated.
CREATE TABLE counters (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	day         TEXT NOT NULL,
	campaign_id TEXT NOT NULL,
	count       INTEGER NOT NULL,
	PRIMARY KEY (app_id, endpoint_id, day, campaign_id)
) WITHOUT ROWID;

CREATE TABLE tags (
	arn   TEXT NOT NULL,
	key   TEXT NOT NULL,
	value TEXT NOT NULL,
	PRIMARY KEY (arn, key)
) WITHOUT ROWID;

CREATE TABLE access_keys (
	seq    INTEGER PRIMARY KEY AUTOINCREMENT,
	id     TEXT NOT NULL UNIQUE,
	app_id TEXT REFERENCES apps (id) ON DELETE CASCADE, -- NULL for root keys
	doc    TEXT NOT NULL
);
CREATE INDEX access_keys_by_app ON access_keys (app_id);
