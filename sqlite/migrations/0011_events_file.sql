-- The event tables move to a file of their own (migrations/events,
-- split.go); the trigger that deleted an app's analytics cannot reach
-- another file, so DeleteApp deletes them itself (cleanup.go).
DROP TRIGGER IF EXISTS analytics_delete_app;

-- Deletes the events file still owes the main file: the rows of a
-- deleted app (what = 'app') or the outbox of a deleted event stream
-- (what = 'stream'). A row is written in the transaction that deletes the
-- app or the stream and removed once the events file committed the
-- deletes, so a crash in between is finished at the next start.
CREATE TABLE event_cleanups (
	app_id TEXT NOT NULL,
	what   TEXT NOT NULL,
	PRIMARY KEY (app_id, what)
) WITHOUT ROWID;

-- Which events file belongs to this file: an ID written to both when
-- the pair is made (pair.go), so that a main file restored without its
-- events file, or with another one, is refused instead of going on with
-- no events.
CREATE TABLE events_file (
	id TEXT NOT NULL
);
