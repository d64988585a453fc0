-- Several nodes on one database: the change feed and leases.
--
-- Change feed. Every node keeps compiled delivery snapshots per app in
-- memory, built from app_settings, campaigns, segments and templates
-- (and their versions). Each statement that writes one of those tables
-- records, in the same transaction, that the app's snapshot changed:
-- app_changes.version moves by one and a notification goes out on the
-- channel inappd_changes with the app's ID as payload ('' for templates,
-- which belong to the account: every app). Notifications are fast (LISTEN);
-- the version table is the safety net that needs none: nodes poll it, and
-- a change is recorded if and only if its write committed, whichever node
-- or tool made it. Writes to other tables (endpoints, events, counters)
-- need no trigger: requests read those from the database every time.
CREATE TABLE app_changes (
	app_id  text COLLATE "C" PRIMARY KEY, -- '' for the account's templates
	version bigint NOT NULL
);

CREATE FUNCTION inappd_changed(ids text[]) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
	id text;
BEGIN
	-- Sorted: two transactions that record several apps lock their rows
	-- in the same order.
	FOR id IN SELECT DISTINCT u FROM unnest(ids) AS u ORDER BY u LOOP
		INSERT INTO app_changes AS c (app_id, version) VALUES (id, 1)
			ON CONFLICT (app_id) DO UPDATE SET version = c.version + 1;
		-- Delivered at commit, once per transaction and payload.
		PERFORM pg_notify('inappd_changes', id);
	END LOOP;
END $$;

-- One statement-level trigger per table and operation (a trigger with a
-- transition table takes one event): it sees the rows the statement
-- changed as changed_rows. TG_ARGV[0] says where the app is: 'app_id' (the
-- column), 'id' (apps) or 'account' (templates).
CREATE FUNCTION inappd_note_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_ARGV[0] = 'account' THEN
		IF EXISTS (SELECT 1 FROM changed_rows) THEN
			PERFORM inappd_changed(ARRAY['']);
		END IF;
	ELSIF TG_ARGV[0] = 'id' THEN
		PERFORM inappd_changed(ARRAY(SELECT id FROM changed_rows));
	ELSE
		PERFORM inappd_changed(ARRAY(SELECT app_id FROM changed_rows));
	END IF;
	RETURN NULL;
END $$;

DO $$
DECLARE
	t  text;
	op text;
BEGIN
	FOREACH t IN ARRAY ARRAY['app_settings', 'segments', 'segment_versions', 'campaigns',
		'campaign_versions', 'templates', 'template_versions'] LOOP
		FOREACH op IN ARRAY ARRAY['INSERT', 'UPDATE', 'DELETE'] LOOP
			EXECUTE format('CREATE TRIGGER %I AFTER %s ON %I REFERENCING %s TABLE AS changed_rows
				FOR EACH STATEMENT EXECUTE FUNCTION inappd_note_change(%L)',
				t || '_changed_' || lower(op), op, t,
				CASE op WHEN 'DELETE' THEN 'OLD' ELSE 'NEW' END,
				CASE WHEN t LIKE 'template%' THEN 'account' ELSE 'app_id' END);
		END LOOP;
	END LOOP;
END $$;

-- A deleted app: its rows in the tables above go too (and note the change),
-- but an app with none of them still has a snapshot to drop.
CREATE TRIGGER apps_changed_delete AFTER DELETE ON apps REFERENCING OLD TABLE AS changed_rows
	FOR EACH STATEMENT EXECUTE FUNCTION inappd_note_change('id');

-- Leases: which node does a piece of background work (an import job:
-- name 'import/<app>/<job>'). The holder renews its lease well before
-- expires_at; a node that dies stops renewing, and once expires_at has
-- passed (by the database's clock) another node takes the lease over.
CREATE TABLE leases (
	name       text COLLATE "C" PRIMARY KEY,
	holder     text NOT NULL,
	expires_at timestamptz NOT NULL
);
