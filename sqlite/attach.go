package sqlite

import (
	"context"
	"database/sql/driver"
	"fmt"

	"modernc.org/sqlite"
)

// attachConnector opens connections on one file with a second file
// attached to each under a schema name: database/sql opens pool
// connections whenever it likes, and an ATTACH belongs to a connection.
// Unqualified table names resolve in the connection's own file first,
// then in the attached one, so a statement reads both files as one.
type attachConnector struct {
	dsn    string // the connection's own file, with its parameters
	attach string // the attached file's URI
	as     string // its schema name
}

// attaching is a connector for sql.OpenDB.
func attaching(dsn, attach, as string) driver.Connector {
	return &attachConnector{dsn: dsn, attach: attach, as: as}
}

var sqliteDriver = &sqlite.Driver{}

func (c *attachConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := sqliteDriver.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	_, err = conn.(driver.ExecerContext).ExecContext(ctx, "ATTACH DATABASE ? AS "+c.as, []driver.NamedValue{{Ordinal: 1, Value: c.attach}})
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: attach %s: %w", c.attach, err)
	}
	return conn, nil
}

func (c *attachConnector) Driver() driver.Driver { return sqliteDriver }
