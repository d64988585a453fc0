package sqlite

import (
	"encoding/json"
	"fmt"
)

// encode renders a resource as the JSON document stored for it.
func encode(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode %T: %w", v, err)
	}
	return string(b), nil
}

// decode reads a stored document.
func decode[T any](doc string) (*T, error) {
	v := new(T)
	if err := json.Unmarshal([]byte(doc), v); err != nil {
		return nil, fmt.Errorf("sqlite: decode %T: %w", v, err)
	}
	return v, nil
}
