//go:build !linux

package postgres

import "time"

// setUserTimeout does nothing where TCP_USER_TIMEOUT does not exist: keep
// alive probes still find dead idle connections.
func setUserTimeout(uintptr, time.Duration) error { return nil }
