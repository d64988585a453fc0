package inapp

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one Pinpoint error shape in the API layer.
const (
	EINVALID   = "invalid"   // BadRequestException, 400
	ENOTFOUND  = "not_found" // NotFoundException, 404
	EFORBIDDEN = "forbidden" // ForbiddenException, 403
	ECONFLICT  = "conflict"  // ConflictException, 409
	ETOOLARGE  = "too_large" // PayloadTooLargeException, 413
	ETHROTTLED = "throttled" // TooManyRequestsException, 429
	EMETHOD    = "method"    // MethodNotAllowedException, 405
	EINTERNAL  = "internal"  // InternalServerErrorException, 500
	EUNAVAIL   = "unavailable"
)

// Error is an application error with a code and a message meant for the
// caller: it says what is wrong and, where it can, what to do instead.
type Error struct {
	Code    string
	Message string
}

func (e *Error) Error() string { return e.Message }

// Errorf builds an *Error.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err, EINTERNAL for errors that are not ours.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	if err == nil {
		return ""
	}
	return EINTERNAL
}

// ErrorMessage returns the caller-facing message of err; internal errors
// are not described to callers.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "Internal server error."
}
