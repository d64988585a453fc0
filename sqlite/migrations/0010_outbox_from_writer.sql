-- The stream outbox is now filled by RecordEvents (events.go), in the
-- transaction that stores the events, instead of by a trigger. The
-- trigger ran its event_streams lookup for every inserted event, and a
-- trigger makes SQLite keep a statement journal for every INSERT into
-- events (each page the statement touches is copied first): 6–14 % of the
-- event writer's time in BenchmarkRecordEvents, for apps without a stream
-- too. RecordEvents looks up the batch's apps once and queues exactly the
-- events it inserted, as the trigger did.
DROP TRIGGER events_stream_outbox;
