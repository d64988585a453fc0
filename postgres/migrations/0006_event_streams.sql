-- Event streams (PutEventStream) and the outbox of events waiting to be
-- delivered to them.
--
-- An app has at most one stream: its EventStream document.
CREATE TABLE event_streams (
	app_id text COLLATE "C" PRIMARY KEY REFERENCES apps (id) ON DELETE CASCADE,
	doc    text NOT NULL
);

-- The outbox: one row per stored event of an app that has a stream, until
-- the stream's worker (on whichever node holds the stream's lease) has
-- delivered it and deleted the row. The database fills it itself (the
-- trigger below), in the transaction that stores the events, so PutEvents'
-- hot path runs no extra statement and an event is queued if and only if
-- its insert committed. seq is the delivery order. Rows are acknowledged
-- by seq, one by one, never "up to a seq": a transaction that drew a lower
-- seq may commit after a higher one was delivered, and its rows must still
-- be found.
--
-- No foreign key to event_streams: a stream deleted while a batch of
-- events is being stored must not fail the batch (every other app's events
-- with it). The delete trigger below drops a deleted stream's rows; rows a
-- concurrent batch queued for it a moment later are left to the worker,
-- which finds no stream for them and never reads them, and are dropped if
-- a stream is put for the app again (PutEventStream of a new stream).
CREATE TABLE stream_outbox (
	app_id      text COLLATE "C" NOT NULL,
	seq         bigint GENERATED ALWAYS AS IDENTITY,
	endpoint_id text COLLATE "C" NOT NULL,
	event_id    text COLLATE "C" NOT NULL,
	arrival     bigint NOT NULL, -- Unix milliseconds: when the event was stored
	PRIMARY KEY (app_id, seq)
);

-- One statement-level trigger: the group-commit writer stores a whole
-- batch with one INSERT, and the trigger queues the batch's events with
-- one INSERT … SELECT over the rows it inserted (new_events). Rows the
-- statement skipped (ON CONFLICT DO NOTHING: a retried event) are not in
-- new_events, so a retry is not queued again.
CREATE FUNCTION inappd_queue_stream_events() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO stream_outbox (app_id, endpoint_id, event_id, arrival)
	SELECT n.app_id, n.endpoint_id, n.event_id, (extract(epoch FROM statement_timestamp()) * 1000)::bigint
	FROM new_events n
	WHERE EXISTS (SELECT 1 FROM event_streams s WHERE s.app_id = n.app_id)
	ORDER BY n.seq;
	RETURN NULL;
END $$;

CREATE TRIGGER events_stream_outbox AFTER INSERT ON events REFERENCING NEW TABLE AS new_events
	FOR EACH STATEMENT EXECUTE FUNCTION inappd_queue_stream_events();

-- A deleted stream (DeleteEventStream, or DeleteApp through the foreign
-- key) takes its queued events with it.
CREATE FUNCTION inappd_drop_stream_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	DELETE FROM stream_outbox WHERE app_id = OLD.app_id;
	RETURN NULL;
END $$;

CREATE TRIGGER event_streams_drop_outbox AFTER DELETE ON event_streams
	FOR EACH ROW EXECUTE FUNCTION inappd_drop_stream_outbox();
