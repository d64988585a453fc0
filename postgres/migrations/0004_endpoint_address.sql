-- Endpoints by Address, for retiring an endpoint whose address another
-- endpoint takes. Partial: in-app endpoints have no address, so the index
-- holds only the other channels' endpoints. The predicate is a plain text
-- test, so that rows whose document is not JSON yet (UpdateEndpoints
-- inserts a placeholder before it locks) are never parsed.
CREATE INDEX endpoints_by_address ON endpoints (app_id, ((doc::json) ->> 'Address'))
	WHERE doc LIKE '%"Address":%';
