package pinpointapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/google/uuid"
	inapp "github.com/inappd/inappd"
)

// errorShapes maps our error codes to Pinpoint's error shapes and statuses.
var errorShapes = map[string]struct {
	shape  string
	status int
}{
	inapp.EINVALID:   {"BadRequestException", http.StatusBadRequest},
	inapp.EFORBIDDEN: {"ForbiddenException", http.StatusForbidden},
	inapp.ENOTFOUND:  {"NotFoundException", http.StatusNotFound},
	inapp.EMETHOD:    {"MethodNotAllowedException", http.StatusMethodNotAllowed},
	inapp.ECONFLICT:  {"ConflictException", http.StatusConflict},
	inapp.ETOOLARGE:  {"PayloadTooLargeException", http.StatusRequestEntityTooLarge},
	inapp.ETHROTTLED: {"TooManyRequestsException", http.StatusTooManyRequests},
	inapp.EINTERNAL:  {"InternalServerErrorException", http.StatusInternalServerError},
	// Pinpoint has no 503 shape; clients retry 5xx, which is what we want
	// while the database is away.
	inapp.EUNAVAIL: {"ServiceUnavailableException", http.StatusServiceUnavailable},
}

// writeError answers as Pinpoint does: the status, X-Amzn-ErrorType, and a
// {"Message","RequestID"} body (Go v2 reads those two keys case-sensitively).
func (s *Server) writeError(c *call, err error) {
	code := inapp.ErrorCode(err)
	shape, ok := errorShapes[code]
	if !ok {
		shape = errorShapes[inapp.EINTERNAL]
	}
	if code == inapp.EINTERNAL {
		s.Logger.Error("internal error", "op", c.op, "request_id", c.requestID, "error", err)
	}
	if code == inapp.ETHROTTLED {
		c.w.Header().Set("Retry-After", "1")
	}
	body, _ := json.Marshal(map[string]string{"Message": inapp.ErrorMessage(err), "RequestID": c.requestID, "__type": shape.shape})
	c.w.Header().Set("X-Amzn-ErrorType", shape.shape)
	c.raw(shape.status, body)
}

// newRequestID returns a random UUID (version 4), the form AWS uses.
func newRequestID() string {
	return uuid.NewString()
}

func parsePositiveInt(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("not a positive integer: %q", s)
	}
	return n, nil
}

// cors answers preflight requests and marks responses for the configured
// browser origins. Amplify's clock-skew correction reads the Date header,
// so it is exposed along with the request ID.
func (s *Server) cors(next http.Handler) http.Handler {
	allowed := map[string]bool{}
	for _, o := range s.CORSOrigins {
		allowed[o] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || !(allowed[origin] || allowed["*"]) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Expose-Headers", "x-amzn-RequestId, x-amzn-ErrorType, Date")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, PUT, POST, DELETE")
			if req := r.Header.Get("Access-Control-Request-Headers"); req != "" {
				h.Set("Access-Control-Allow-Headers", req)
			}
			h.Set("Access-Control-Max-Age", "600")
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
