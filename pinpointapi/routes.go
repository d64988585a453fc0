package pinpointapi

// routes lists every operation: pattern (as in pinpoint-service-2.json),
// operation name, who may call it, handler. ServeMux matches the escaped
// path segment by segment, so an ARN sent as one percent-encoded segment
// (tags) stays one segment.
func (s *Server) routes(route func(pattern, op string, who access, h handlerFunc)) {
	// Applications
	route("POST /v1/apps", "CreateApp", rootOnly, s.createApp)
	route("GET /v1/apps", "GetApps", rootOnly, s.getApps)
	route("GET /v1/apps/{application-id}", "GetApp", rootOnly, s.getApp)
	route("DELETE /v1/apps/{application-id}", "DeleteApp", rootOnly, s.deleteApp)
	route("GET /v1/apps/{application-id}/settings", "GetApplicationSettings", rootOnly, s.getSettings)
	route("PUT /v1/apps/{application-id}/settings", "UpdateApplicationSettings", rootOnly, s.updateSettings)

	// Endpoints
	route("PUT /v1/apps/{application-id}/endpoints/{endpoint-id}", "UpdateEndpoint", device, s.updateEndpoint)
	route("PUT /v1/apps/{application-id}/endpoints", "UpdateEndpointsBatch", device, s.updateEndpointsBatch)
	route("GET /v1/apps/{application-id}/endpoints/{endpoint-id}", "GetEndpoint", rootOnly, s.getEndpoint)
	route("DELETE /v1/apps/{application-id}/endpoints/{endpoint-id}", "DeleteEndpoint", rootOnly, s.deleteEndpoint)
	route("GET /v1/apps/{application-id}/users/{user-id}", "GetUserEndpoints", rootOnly, s.getUserEndpoints)
	route("DELETE /v1/apps/{application-id}/users/{user-id}", "DeleteUserEndpoints", rootOnly, s.deleteUserEndpoints)
	route("PUT /v1/apps/{application-id}/attributes/{attribute-type}", "RemoveAttributes", rootOnly, s.removeAttributes)

	// Segments
	route("POST /v1/apps/{application-id}/segments", "CreateSegment", rootOnly, s.createSegment)
	route("GET /v1/apps/{application-id}/segments", "GetSegments", rootOnly, s.getSegments)
	route("GET /v1/apps/{application-id}/segments/{segment-id}", "GetSegment", rootOnly, s.getSegment)
	route("PUT /v1/apps/{application-id}/segments/{segment-id}", "UpdateSegment", rootOnly, s.updateSegment)
	route("DELETE /v1/apps/{application-id}/segments/{segment-id}", "DeleteSegment", rootOnly, s.deleteSegment)
	route("GET /v1/apps/{application-id}/segments/{segment-id}/versions", "GetSegmentVersions", rootOnly, s.getSegmentVersions)
	route("GET /v1/apps/{application-id}/segments/{segment-id}/versions/{version}", "GetSegmentVersion", rootOnly, s.getSegmentVersion)

	// Import jobs
	route("POST /v1/apps/{application-id}/jobs/import", "CreateImportJob", rootOnly, s.createImportJob)
	route("GET /v1/apps/{application-id}/jobs/import", "GetImportJobs", rootOnly, s.getImportJobs)
	route("GET /v1/apps/{application-id}/jobs/import/{job-id}", "GetImportJob", rootOnly, s.getImportJob)
	route("GET /v1/apps/{application-id}/segments/{segment-id}/jobs/import", "GetSegmentImportJobs", rootOnly, s.getSegmentImportJobs)

	// In-app templates
	route("POST /v1/templates/{template-name}/inapp", "CreateInAppTemplate", rootOnly, s.createTemplate)
	route("GET /v1/templates/{template-name}/inapp", "GetInAppTemplate", rootOnly, s.getTemplate)
	route("PUT /v1/templates/{template-name}/inapp", "UpdateInAppTemplate", rootOnly, s.updateTemplate)
	route("DELETE /v1/templates/{template-name}/inapp", "DeleteInAppTemplate", rootOnly, s.deleteTemplate)
	route("GET /v1/templates", "ListTemplates", rootOnly, s.listTemplates)
	route("GET /v1/templates/{template-name}/{template-type}/versions", "ListTemplateVersions", rootOnly, s.listTemplateVersions)
	route("PUT /v1/templates/{template-name}/{template-type}/active-version", "UpdateTemplateActiveVersion", rootOnly, s.updateTemplateActiveVersion)

	// Campaigns
	route("POST /v1/apps/{application-id}/campaigns", "CreateCampaign", rootOnly, s.createCampaign)
	route("GET /v1/apps/{application-id}/campaigns", "GetCampaigns", rootOnly, s.getCampaigns)
	route("GET /v1/apps/{application-id}/campaigns/{campaign-id}", "GetCampaign", rootOnly, s.getCampaign)
	route("PUT /v1/apps/{application-id}/campaigns/{campaign-id}", "UpdateCampaign", rootOnly, s.updateCampaign)
	route("DELETE /v1/apps/{application-id}/campaigns/{campaign-id}", "DeleteCampaign", rootOnly, s.deleteCampaign)
	route("GET /v1/apps/{application-id}/campaigns/{campaign-id}/versions", "GetCampaignVersions", rootOnly, s.getCampaignVersions)
	route("GET /v1/apps/{application-id}/campaigns/{campaign-id}/versions/{version}", "GetCampaignVersion", rootOnly, s.getCampaignVersion)
	route("GET /v1/apps/{application-id}/campaigns/{campaign-id}/activities", "GetCampaignActivities", rootOnly, s.getCampaignActivities)

	// Analytics (kpis.go)
	route("GET /v1/apps/{application-id}/kpis/daterange/{kpi-name}", "GetApplicationDateRangeKpi", rootOnly, s.getApplicationKPI)
	route("GET /v1/apps/{application-id}/campaigns/{campaign-id}/kpis/daterange/{kpi-name}", "GetCampaignDateRangeKpi", rootOnly, s.getCampaignKPI)

	// Delivery and events
	route("GET /v1/apps/{application-id}/endpoints/{endpoint-id}/inappmessages", "GetInAppMessages", device, s.getInAppMessages)
	route("POST /v1/apps/{application-id}/events", "PutEvents", device, s.putEvents)

	// Event streams
	route("POST /v1/apps/{application-id}/eventstream", "PutEventStream", rootOnly, s.putEventStream)
	route("GET /v1/apps/{application-id}/eventstream", "GetEventStream", rootOnly, s.getEventStream)
	route("DELETE /v1/apps/{application-id}/eventstream", "DeleteEventStream", rootOnly, s.deleteEventStream)

	// Tags
	route("POST /v1/tags/{resource-arn}", "TagResource", rootOnly, s.tagResource)
	route("DELETE /v1/tags/{resource-arn}", "UntagResource", rootOnly, s.untagResource)
	route("GET /v1/tags/{resource-arn}", "ListTagsForResource", rootOnly, s.listTags)

	// inappd extensions
	route("POST "+ExtensionPrefix+"/apps/{application-id}/keys", "CreateClientKey", rootOnly, s.createClientKey)
	route("GET "+ExtensionPrefix+"/apps/{application-id}/keys", "ListClientKeys", rootOnly, s.listClientKeys)
	route("DELETE "+ExtensionPrefix+"/keys/{key-id}", "DeleteClientKey", rootOnly, s.deleteClientKey)
	route("POST "+ExtensionPrefix+"/apps/{application-id}/segments/estimate", "EstimateSegment", rootOnly, s.estimateSegment)
	route("GET "+ExtensionPrefix+"/apps/{application-id}/analytics", "GetAnalytics", rootOnly, s.getAnalytics)
	route("POST "+ExtensionPrefix+"/apps/{application-id}/imports", "UploadImportJob", uploadBody, s.uploadImportJob)
	// The console's Endpoints page (console.go)
	route("GET "+ExtensionPrefix+"/apps/{application-id}/endpoints/{endpoint-id}/explain", "ExplainEndpoint", rootOnly, s.explainEndpoint)
	route("GET "+ExtensionPrefix+"/apps/{application-id}/endpoints/{endpoint-id}/events", "ListEndpointEvents", rootOnly, s.listEndpointEvents)
	route("POST "+ExtensionPrefix+"/apps/{application-id}/campaigns/{campaign-id}/test-sends", "CreateTestSend", rootOnly, s.createTestSend)
	route("GET "+ExtensionPrefix+"/apps/{application-id}/campaigns/{campaign-id}/test-sends", "ListTestSends", rootOnly, s.listTestSends)
	route("DELETE "+ExtensionPrefix+"/apps/{application-id}/campaigns/{campaign-id}/test-sends/{endpoint-id}", "DeleteTestSend", rootOnly, s.deleteTestSend)
}
