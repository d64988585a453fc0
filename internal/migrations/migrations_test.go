package migrations

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestList(t *testing.T) {
	fsys := fstest.MapFS{
		"m/0002_b.sql": {Data: []byte("B")},
		"m/0001_a.sql": {Data: []byte("A")},
		"m/0010_c.sql": {Data: []byte("C")},
		"m/README.md":  {Data: []byte("not a migration")},
	}
	ms, err := List(fsys, "m")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.Name+"="+m.SQL)
	}
	if want := "0001_a.sql=A 0002_b.sql=B 0010_c.sql=C"; strings.Join(got, " ") != want {
		t.Errorf("List = %v, want %s", got, want)
	}
	for name, bad := range map[string]fstest.MapFS{
		"no version":    {"m/init.sql": {Data: []byte("x")}},
		"zero version":  {"m/0000_x.sql": {Data: []byte("x")}},
		"shared number": {"m/0001_a.sql": {Data: []byte("a")}, "m/01_b.sql": {Data: []byte("b")}},
	} {
		if _, err := List(bad, "m"); err == nil {
			t.Errorf("%s: List accepted it", name)
		}
	}
}
