-- Retention (retention.go, package retention): a janitor deletes what is
-- older than the retention, a small batch at a time, and every batch must
-- find its rows through an index, whatever the size of the table.
--
-- events by time: the old events. Events arrive roughly in time order, so
-- new entries land at the right edge of this index (PostgreSQL caches the
-- rightmost leaf for such inserts), not at random like the primary key's.
CREATE INDEX events_by_time ON events (time);

-- counters by day: the daily rows of past days. Partial: the "*" (total)
-- rows, never deleted, stay out. day never changes once a row exists, so
-- bumping a count stays a HOT update (the table's fillfactor is there for
-- that) and leaves this index alone.
CREATE INDEX counters_by_day ON counters (day) WHERE day <> '*';

-- Analytics rollups and uniques need no index of their own: the janitor
-- deletes an app's old days through the rollups' key (app_id, day, …) and
-- a campaign's through the uniques' key (app_id, campaign_id, day, …).
-- Endpoint activity needs none either: a row goes with its endpoint's
-- events, found through its key.
