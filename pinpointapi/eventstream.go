package pinpointapi

import (
	"net/http"

	inapp "github.com/inappd/inappd"
)

// Event streams: PutEventStream, GetEventStream and DeleteEventStream as in
// Pinpoint. DestinationStreamArn names one of inappd's own destinations
// (a webhook, a NATS JetStream subject, a file under the operator's
// stream directory) instead of a Kinesis stream; RoleArn is required, as
// in the model, stored, returned and unused.

// EventStreams delivers apps' events to their streams (package streams):
// Server.Streams; nil when the server delivers none.
type EventStreams interface {
	// CheckDestination refuses a DestinationStreamArn inappd cannot deliver
	// to, saying what to give instead (EINVALID).
	CheckDestination(arn string) error
	// Changed tells the delivery workers that the app's stream was put or
	// deleted. It takes effect before it returns, so that once the API has
	// answered, this node sends nothing more to the old destination.
	Changed(appID string)
}

// writeEventStream is the WriteEventStream payload.
type writeEventStream struct {
	DestinationStreamArn string `json:"DestinationStreamArn"`
	RoleArn              string `json:"RoleArn"`
}

func (s *Server) putEventStream(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req writeEventStream
	if err := c.decode(&req); err != nil {
		return err
	}
	switch {
	case req.DestinationStreamArn == "":
		return missing("DestinationStreamArn")
	case req.RoleArn == "":
		return missing("RoleArn")
	}
	if s.Streams == nil {
		return inapp.Errorf(inapp.EUNAVAIL, "Event streams are not available on this server.")
	}
	if err := s.Streams.CheckDestination(req.DestinationStreamArn); err != nil {
		return err
	}
	stream := &inapp.EventStream{
		ApplicationID:        appID,
		DestinationStreamArn: req.DestinationStreamArn,
		LastModifiedDate:     s.now(),
		LastUpdatedBy:        c.key.ID,
		RoleArn:              req.RoleArn,
	}
	if err := s.Store.PutEventStream(c.r.Context(), stream); err != nil {
		return err
	}
	s.Streams.Changed(appID)
	return c.json(http.StatusOK, stream)
}

func (s *Server) getEventStream(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	stream, err := s.Store.GetEventStream(c.r.Context(), appID)
	if err != nil {
		return err
	}
	return c.json(http.StatusOK, stream)
}

func (s *Server) deleteEventStream(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	stream, err := s.Store.DeleteEventStream(c.r.Context(), appID)
	if err != nil {
		return err
	}
	if s.Streams != nil {
		s.Streams.Changed(appID)
	}
	return c.json(http.StatusOK, stream)
}
