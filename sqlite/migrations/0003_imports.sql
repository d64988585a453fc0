-- Import jobs and the members of IMPORT segments.
--
-- A job is its ImportJobResponse document (doc) and the runner's state
-- (state, JSON the API never shows), next to the columns that find it:
-- per app newest first, per segment (GetSegmentImportJobs), and the
-- unfinished ones to resume at start.
CREATE TABLE import_jobs (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	app_id     TEXT NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id         TEXT NOT NULL,
	segment_id TEXT NOT NULL, -- Definition.SegmentId, '' when none
	status     TEXT NOT NULL, -- JobStatus
	doc        TEXT NOT NULL,
	state      TEXT NOT NULL,
	UNIQUE (app_id, id)
);
CREATE INDEX import_jobs_by_app ON import_jobs (app_id);
CREATE INDEX import_jobs_by_segment ON import_jobs (app_id, segment_id);
CREATE INDEX import_jobs_unfinished ON import_jobs (status) WHERE status NOT IN ('COMPLETED', 'FAILED');

-- Which endpoints an IMPORT segment holds. The key leads with the endpoint:
-- GetInAppMessages reads an endpoint's memberships in one range scan.
-- No foreign key, as for events: an import writes these in large batches,
-- and DeleteApp and DeleteSegment remove them themselves.
CREATE TABLE segment_members (
	app_id      TEXT NOT NULL,
	endpoint_id TEXT NOT NULL,
	segment_id  TEXT NOT NULL,
	PRIMARY KEY (app_id, endpoint_id, segment_id)
) WITHOUT ROWID;
CREATE INDEX segment_members_by_segment ON segment_members (app_id, segment_id);
