-- Unique endpoints only where something reads them (inapp.UniquesKept):
-- RecordEvents now keeps (rollup, endpoint) pairs for displayed messages
-- and clicks only. The pairs of every other event type that carried a
-- campaign_id (dismissals, custom events) go, and their rollups' uniques
-- become 0, as RecordEvents writes them from now on: no rollup is left
-- with uniques that stopped moving halfway through a day.
--
-- Each statement reads its table once (no index leads with event_type);
-- it runs once, at the upgrade.
DELETE FROM analytics_uniques
WHERE event_type NOT IN ('_inapp.message_displayed', '_inapp.message_clicked');

UPDATE analytics_rollups SET uniques = 0
WHERE event_type NOT IN ('_inapp.message_displayed', '_inapp.message_clicked') AND uniques <> 0;
