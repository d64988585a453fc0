package pinpointapi

import (
	"crypto/rand"
	"net/http"

	inapp "github.com/inappd/inappd"
)

// Client keys (an inappd extension): SigV4 credentials that may only call
// the device operations of one app, safe to ship inside that app.

func (s *Server) createClientKey(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	var req struct {
		Description string `json:"Description"`
	}
	if err := c.decode(&req); err != nil {
		return err
	}
	k := NewAccessKey(appID, req.Description, s.now())
	if err := s.Store.CreateKey(c.r.Context(), k); err != nil {
		return err
	}
	return c.json(http.StatusCreated, k)
}

func (s *Server) listClientKeys(c *call) error {
	appID, err := s.requireApp(c)
	if err != nil {
		return err
	}
	keys, err := s.Store.ListKeys(c.r.Context(), appID)
	if err != nil {
		return err
	}
	for _, k := range keys {
		k.Secret = "" // shown once, at creation
	}
	return c.json(http.StatusOK, map[string]any{"Item": nonNil(keys)})
}

func (s *Server) deleteClientKey(c *call) error {
	k, err := s.Store.GetKey(c.r.Context(), c.path("key-id"))
	if err != nil {
		return err
	}
	if k.AppID == "" {
		return inapp.Errorf(inapp.EINVALID, "%s is a root key; root keys come from INAPPD_ROOT_ACCESS_KEY_ID or the data directory and cannot be deleted here.", k.ID)
	}
	if err := s.Store.DeleteKey(c.r.Context(), k.ID); err != nil {
		return err
	}
	// Verifiers cache keys briefly; a revoked key must stop working now.
	if f, ok := s.Auth.(interface{ Forget(id string) }); ok {
		f.Forget(k.ID)
	}
	k.Secret = ""
	return c.json(http.StatusOK, k)
}

// NewAccessKey makes a key in the shape of AWS credentials: a 20-character
// ID and a 40-character secret.
func NewAccessKey(appID, description, now string) *inapp.AccessKey {
	prefix := "AKIA"
	if appID != "" {
		prefix = "AKCL" // a client key: tells an operator at a glance
	}
	return &inapp.AccessKey{ID: prefix + randomString(16, upperAlnum), Secret: randomString(40, secretChars), AppID: appID, Description: description, CreationDate: now}
}

const (
	upperAlnum  = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
	secretChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
)

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
