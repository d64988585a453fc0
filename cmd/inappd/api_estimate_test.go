package main

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint"
	"github.com/aws/aws-sdk-go-v2/service/pinpoint/types"
)

// TestSegmentEstimate: the console's size estimate counts the endpoints a
// segment would hold, for unsaved criteria and for a stored segment, and
// refuses bad criteria with Pinpoint's error.
func TestSegmentEstimate(t *testing.T) {
	t.Parallel()
	m := startServer(t)
	c := client(m, nil)
	app := createApp(t, c, "estimate")
	for i := range 30 {
		plan := []string{"gold", "silver", "free"}[i%3]
		putEndpoint(t, c, app, fmt.Sprintf("e%02d", i), inAppEndpoint(fmt.Sprintf("u%02d", i), map[string][]string{"plan": {plan}}))
	}
	// An EMAIL endpoint matches the criteria but cannot receive in-app messages.
	putEndpoint(t, c, app, "mail", &types.EndpointRequest{ChannelType: types.ChannelTypeEmail, Address: aws.String("a@example.com"), Attributes: map[string][]string{"plan": {"gold"}}})

	path := "/inappd/v1/apps/" + app + "/segments/estimate"
	estimate := func(query string, body any) map[string]any {
		t.Helper()
		r := rawJSON(t, m, nil, "POST", path+query, body)
		wantRawStatus(t, r, 200)
		return r.object(t)
	}
	gold := map[string]any{"Dimensions": map[string]any{"Attributes": map[string]any{"plan": map[string]any{"AttributeType": "INCLUSIVE", "Values": []string{"gold"}}}}}
	got := estimate("", gold)
	if got["Estimate"] != float64(11) || got["InAppEstimate"] != float64(10) || got["EndpointsScanned"] != float64(31) {
		t.Errorf("estimate of plan=gold = %v, want Estimate 11, InAppEstimate 10, EndpointsScanned 31", got)
	}

	// A stored segment, by ID.
	out, err := c.CreateSegment(t.Context(), &pinpoint.CreateSegmentInput{ApplicationId: aws.String(app), WriteSegmentRequest: &types.WriteSegmentRequest{Name: aws.String("not free"),
		Dimensions: &types.SegmentDimensions{Attributes: map[string]types.AttributeDimension{"plan": {AttributeType: types.AttributeTypeExclusive, Values: []string{"free"}}}}}})
	if err != nil {
		t.Fatalf("CreateSegment: %v", err)
	}
	got = estimate("?segment-id="+str(out.SegmentResponse.Id), nil)
	if got["InAppEstimate"] != float64(20) {
		t.Errorf("estimate of the stored segment = %v, want InAppEstimate 20", got)
	}

	// Bad criteria and unknown segments get Pinpoint's errors.
	bad := rawJSON(t, m, nil, "POST", path, map[string]any{"Dimensions": map[string]any{"Attributes": map[string]any{"plan": map[string]any{"AttributeType": "INCLUDE", "Values": []string{"x"}}}}})
	wantRawError(t, bad, "BadRequestException")
	missing := rawJSON(t, m, nil, "POST", path+"?segment-id=nope", nil)
	wantRawError(t, missing, "NotFoundException")
	// Client keys may not call it.
	denied := rawJSON(t, m, createClientKey(t, m, app), "POST", path, gold)
	wantRawError(t, denied, "ForbiddenException")
}
