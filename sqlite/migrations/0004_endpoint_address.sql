-- Endpoints by Address, for retiring an endpoint whose address another
-- endpoint takes. Partial: in-app endpoints have no address, so the index
-- holds only the other channels' endpoints.
CREATE INDEX endpoints_by_address ON endpoints (app_id, json_extract(doc, '$.Address'))
	WHERE json_extract(doc, '$.Address') IS NOT NULL;
