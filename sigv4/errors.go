package sigv4

import (
	"fmt"
	"strings"
	"time"

	inapp "github.com/inappd/inappd"
)

// Messages of the errors Verify returns, worded as AWS words them (API
// Gateway and the AWS "coral" front end that Pinpoint sits behind). Every
// error is an *inapp.Error with code inapp.EFORBIDDEN, except store failures,
// which come back unchanged.
const (
	MsgMissingToken      = "Missing Authentication Token"
	MsgInvalidToken      = "The security token included in the request is invalid."
	MsgSignatureMismatch = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	MsgBothAuth          = "Found both 'X-Amz-Algorithm' as a query-string param and 'Authorization' as HTTP header."
	MsgHostNotSigned     = "'Host' must be a 'SignedHeader' in the AWS Authorization."
	MsgDateNotSigned     = "'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization."
	MsgDateHeaderOnly    = "Authorization header requires existence of the 'X-Amz-Date' header: inappd does not support requests dated by the 'Date' header alone."
	MsgPresignExpired    = "Request has expired"
	MsgExpiresNegative   = "X-Amz-Expires must be non-negative"
	MsgExpiresNotNumber  = "X-Amz-Expires should be a number"
	MsgExpiresTooLong    = "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"
)

func forbidden(msg string) error { return &inapp.Error{Code: inapp.EFORBIDDEN, Message: msg} }

func forbiddenf(format string, args ...any) error {
	return &inapp.Error{Code: inapp.EFORBIDDEN, Message: fmt.Sprintf(format, args...)}
}

// maxEcho bounds how much of a client's Authorization header an error
// message repeats back.
const maxEcho = 512

func echo(s string) string {
	if len(s) > maxEcho {
		return s[:maxEcho] + "..."
	}
	return s
}

// errIncompleteHeader lists what an Authorization header lacks, as AWS does:
// "Authorization header requires 'Credential' parameter. ... Authorization=<header>".
func errIncompleteHeader(auth string, cred, sig, signed, date bool) error {
	var b strings.Builder
	if !cred {
		b.WriteString("Authorization header requires 'Credential' parameter. ")
	}
	if !sig {
		b.WriteString("Authorization header requires 'Signature' parameter. ")
	}
	if !signed {
		b.WriteString("Authorization header requires 'SignedHeaders' parameter. ")
	}
	if !date {
		b.WriteString("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ")
	}
	b.WriteString("Authorization=")
	b.WriteString(echo(auth))
	return forbidden(b.String())
}

// errIncompleteQuery lists the presigning parameters a query string lacks.
func errIncompleteQuery(missing []string) error {
	var b strings.Builder
	for _, p := range missing {
		b.WriteString("AWS query-string parameters must include '")
		b.WriteString(p)
		b.WriteString("'. ")
	}
	b.WriteString("Re-examine the query-string parameters.")
	return forbidden(b.String())
}

func errMissingEqual(tok, auth string) error {
	return forbiddenf("'%s' not a valid key=value pair (missing equal-sign) in Authorization header: '%s'.", echo(tok), echo(auth))
}

func errAlgorithm(alg string) error {
	return forbiddenf("Unsupported AWS 'algorithm': '%s' (only %s for now).", echo(alg), Algorithm)
}

func errDateFormat(date string) error {
	return forbiddenf("Date must be in ISO-8601 'basic format'. Got '%s'. See http://en.wikipedia.org/wiki/ISO_8601", echo(date))
}

func errCredentialShape(cred string) error {
	return forbiddenf("Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '%s'", echo(cred))
}

// errExpired and errNotYetCurrent say how far the request's date is from the
// server's clock: "Signature expired: 20261121T000000Z is now earlier than
// 20261121T001500Z (20261121T003000Z - 15 min.)".
func errExpired(t, now time.Time, skew time.Duration) error {
	return forbiddenf("Signature expired: %s is now earlier than %s (%s - %s)",
		t.Format(amzDateFormat), now.Add(-skew).Format(amzDateFormat), now.Format(amzDateFormat), skewText(skew))
}

func errNotYetCurrent(t, now time.Time, skew time.Duration) error {
	return forbiddenf("Signature not yet current: %s is still later than %s (%s + %s)",
		t.Format(amzDateFormat), now.Add(skew).Format(amzDateFormat), now.Format(amzDateFormat), skewText(skew))
}

func skewText(d time.Duration) string {
	if d%time.Minute == 0 {
		return fmt.Sprintf("%d min.", d/time.Minute)
	}
	return d.String() + "."
}
