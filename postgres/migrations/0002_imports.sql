-- Import jobs and the members of IMPORT segments (sqlite's 0003_imports).
--
-- A job is its ImportJobResponse document (doc) and the runner's state
-- (state, JSON the API never shows), next to the columns that find it:
-- per app newest first, per segment (GetSegmentImportJobs), and the
-- unfinished ones to resume at start.
CREATE TABLE import_jobs (
	seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	app_id     text COLLATE "C" NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
	id         text COLLATE "C" NOT NULL,
	segment_id text COLLATE "C" NOT NULL, -- Definition.SegmentId, '' when none
	status     text NOT NULL, -- JobStatus
	doc        text NOT NULL,
	state      text NOT NULL,
	UNIQUE (app_id, id)
);
CREATE INDEX import_jobs_by_app ON import_jobs (app_id, seq);
CREATE INDEX import_jobs_by_segment ON import_jobs (app_id, segment_id, seq);
CREATE INDEX import_jobs_unfinished ON import_jobs (seq) WHERE status NOT IN ('COMPLETED', 'FAILED');

-- Which endpoints an IMPORT segment holds. The key leads with the endpoint:
-- GetInAppMessages reads an endpoint's memberships in one range scan.
-- No foreign key, as for events: an import writes these in large batches,
-- and DeleteApp and DeleteSegment remove them themselves.
CREATE TABLE segment_members (
	app_id      text COLLATE "C" NOT NULL,
	endpoint_id text COLLATE "C" NOT NULL,
	segment_id  text COLLATE "C" NOT NULL,
	PRIMARY KEY (app_id, endpoint_id, segment_id)
);
CREATE INDEX segment_members_by_segment ON segment_members (app_id, segment_id);
