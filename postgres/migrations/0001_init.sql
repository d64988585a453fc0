-- The initial schema: the SQLite schema (sqlite/migrations 0001 and 0002)
-- carried over to PostgreSQL.
--
-- Every resource is kept as the JSON document the API returns (doc, TEXT:
-- byte for byte what encoding/json wrote, see package doc), next to the
-- columns needed to find and order it. seq columns are identity columns:
-- they only ever grow, even after deletes, so listings page in creation
-- order with "seq > token" and a token never comes to point at a newer row.
--
-- Key columns are COLLATE "C": byte order, as Go compares strings (keyset
-- scans and ARN prefix ranges rely on it), and cheaper than a linguistic
-- collation for identifiers nobody reads as words.

CREATE TABLE apps (
	seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id  text COLLATE "C" NOT NULL UNIQUE,
	doc text NOT NULL
);

-- Rows that belong to an app go away with it (ON DELETE CASCADE).

CREATE TABLE app_settings (
	app_id text COLLATE "C" PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
	doc    text NOT NULL
);

-- seq keeps creation order (UserEndpoints lists in it, as SQLite's rowid
-- does). An endpoint is rewritten on every update: fillfactor leaves room
-- on each page so that updates that keep user_id stay HOT (no index write).
CREATE TABLE endpoints (
	app_id  text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id      text COLLATE "C" NOT NULL,
	seq     bigint GENERATED ALWAYS AS IDENTITY,
	user_id text COLLATE "C", -- User.UserId, NULL when the endpoint has none
	doc     text NOT NULL,
	PRIMARY KEY (app_id, id)
) WITH (fillfactor = 90);
CREATE INDEX endpoints_by_user ON endpoints (app_id, user_id) WHERE user_id IS NOT NULL;

-- A segment is a head row (creation order, latest version) and its
-- versions. The latest version is the segment.
CREATE TABLE segments (
	seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	app_id text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id     text COLLATE "C" NOT NULL,
	latest integer NOT NULL,
	UNIQUE (app_id, id)
);
CREATE INDEX segments_by_app ON segments (app_id, seq);

CREATE TABLE segment_versions (
	app_id  text COLLATE "C" NOT NULL,
	id      text COLLATE "C" NOT NULL,
	version integer NOT NULL,
	doc     text NOT NULL,
	PRIMARY KEY (app_id, id, version),
	FOREIGN KEY (app_id, id) REFERENCES segments (app_id, id) ON DELETE CASCADE
);

CREATE TABLE campaigns (
	seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	app_id text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id     text COLLATE "C" NOT NULL,
	latest integer NOT NULL,
	UNIQUE (app_id, id)
);
CREATE INDEX campaigns_by_app ON campaigns (app_id, seq);

CREATE TABLE campaign_versions (
	app_id  text COLLATE "C" NOT NULL,
	id      text COLLATE "C" NOT NULL,
	version integer NOT NULL,
	doc     text NOT NULL,
	PRIMARY KEY (app_id, id, version),
	FOREIGN KEY (app_id, id) REFERENCES campaigns (app_id, id) ON DELETE CASCADE
);

-- Templates belong to the account, not to an app.
CREATE TABLE templates (
	seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	name   text COLLATE "C" NOT NULL UNIQUE,
	active integer NOT NULL
);

CREATE TABLE template_versions (
	name    text COLLATE "C" NOT NULL REFERENCES templates (name) ON DELETE CASCADE,
	version integer NOT NULL,
	doc     text NOT NULL,
	PRIMARY KEY (name, version)
);

-- Events and counters carry no foreign key on purpose: they are written in
-- large group-commit batches, and one app deleted meanwhile must not fail
-- a batch that holds other apps' events. DeleteApp removes them itself.
-- The primary key is the only index (retries are idempotent through it);
-- seq, unindexed, orders events of the same time as SQLite's rowid does.
CREATE TABLE events (
	app_id      text COLLATE "C" NOT NULL,
	endpoint_id text COLLATE "C" NOT NULL,
	event_id    text COLLATE "C" NOT NULL,
	seq         bigint GENERATED ALWAYS AS IDENTITY,
	time        bigint NOT NULL, -- Unix nanoseconds, UTC (timestamptz keeps only microseconds)
	cap_day     text NOT NULL,
	doc         text NOT NULL,
	PRIMARY KEY (app_id, endpoint_id, event_id)
);

-- Display counts per endpoint and campaign: day is "2006-01-02" for one
-- local day, "*" for the total. The key puts day before campaign_id so that
-- CapCounts reads exactly the "*" rows and the one day's rows of an
-- endpoint, however many old days have accumulated. n is not indexed and
-- pages keep free room, so the upserts that move it are HOT updates.
CREATE TABLE counters (
	app_id      text COLLATE "C" NOT NULL,
	endpoint_id text COLLATE "C" NOT NULL,
	day         text COLLATE "C" NOT NULL,
	campaign_id text COLLATE "C" NOT NULL,
	n           bigint NOT NULL,
	PRIMARY KEY (app_id, endpoint_id, day, campaign_id)
) WITH (fillfactor = 80);

-- The latest event time of each endpoint (Behavior.Recency), moved once per
-- batch rather than found by an index on events.
CREATE TABLE endpoint_activity (
	app_id      text COLLATE "C" NOT NULL,
	endpoint_id text COLLATE "C" NOT NULL,
	time        bigint NOT NULL, -- Unix nanoseconds, UTC: the latest event
	PRIMARY KEY (app_id, endpoint_id)
) WITH (fillfactor = 80);

CREATE TABLE tags (
	arn   text COLLATE "C" NOT NULL,
	key   text COLLATE "C" NOT NULL,
	value text NOT NULL,
	PRIMARY KEY (arn, key)
);

CREATE TABLE access_keys (
	seq    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id     text COLLATE "C" NOT NULL UNIQUE,
	app_id text COLLATE "C" REFERENCES apps (id) ON DELETE CASCADE, -- NULL for root keys
	doc    text NOT NULL
);
CREATE INDEX access_keys_by_app ON access_keys (app_id, seq);
