-- Event streams (PutEventStream) and the outbox of events waiting to be
-- delivered to them.
--
-- An app has at most one stream: its EventStream document.
CREATE TABLE event_streams (
	app_id TEXT PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
	doc    TEXT NOT NULL
);

-- The outbox: one row per stored event of an app that has a stream, until
-- the stream's worker has delivered it (then it deletes the row). The
-- database fills it itself (the trigger below), in the transaction that
-- stores the events, so PutEvents' hot path runs no extra statement and an
-- event is queued if and only if it was stored. seq (AUTOINCREMENT: never
-- reused) is the delivery order. The row names the event; the worker joins
-- the event's and the endpoint's documents when it reads. Deleting the
-- stream (or the app, which deletes the stream) drops its rows.
CREATE TABLE stream_outbox (
	seq         INTEGER PRIMARY KEY AUTOINCREMENT,
	app_id      TEXT NOT NULL REFERENCES event_streams (app_id) ON DELETE CASCADE,
	endpoint_id TEXT NOT NULL,
	event_id    TEXT NOT NULL,
	arrival     INTEGER NOT NULL -- Unix milliseconds: when the event was stored
);
CREATE INDEX stream_outbox_by_app ON stream_outbox (app_id, seq);

-- Only rows actually inserted fire it: the INSERT … ON CONFLICT DO NOTHING
-- of a retried event inserts nothing, so a retry is not queued again. Apps
-- without a stream pay one lookup in the (tiny) event_streams table.
CREATE TRIGGER events_stream_outbox AFTER INSERT ON events
WHEN EXISTS (SELECT 1 FROM event_streams WHERE app_id = NEW.app_id)
BEGIN
	INSERT INTO stream_outbox (app_id, endpoint_id, event_id, arrival)
	VALUES (NEW.app_id, NEW.endpoint_id, NEW.event_id, CAST(unixepoch('subsec') * 1000 AS INTEGER));
END;
