package storetest

import (
	"testing"

	inapp "github.com/inappd/inappd"
)

var keyTests = []test{
	{"CreateGetListDelete", testKeys},
	{"DuplicateConflicts", testKeyDuplicate},
	{"ClientKeyOfMissingApp", testKeyMissingApp},
}

func listKeys(t *testing.T, s inapp.Store, appID string) []*inapp.AccessKey {
	t.Helper()
	keys, err := s.ListKeys(t.Context(), appID)
	must(t, "ListKeys", err)
	return keys
}

func testKeys(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	a, b := newApp(t, s), newApp(t, s)
	docs := map[string]*inapp.AccessKey{}
	for _, k := range []*inapp.AccessKey{
		accessKeyDoc("ROOT2", ""), accessKeyDoc("A2", a.ID), accessKeyDoc("ROOT1", ""),
		accessKeyDoc("A1", a.ID), accessKeyDoc("B1", b.ID),
	} {
		must(t, "CreateKey", s.CreateKey(ctx, k))
		docs[k.ID] = k
	}
	for id, want := range docs {
		got, err := s.GetKey(ctx, id)
		must(t, "GetKey", err)
		sameJSON(t, "key "+id, got, want)
	}

	sameIDs(t, "root keys in creation order", listKeys(t, s, ""), keyID, "ROOT2", "ROOT1")
	sameIDs(t, "keys of app a in creation order", listKeys(t, s, a.ID), keyID, "A2", "A1")
	sameIDs(t, "keys of app b", listKeys(t, s, b.ID), keyID, "B1")
	sameIDs(t, "keys of an unknown app", listKeys(t, s, "unknown"), keyID)
	sameJSON(t, "listed key", listKeys(t, s, b.ID)[0], docs["B1"])

	must(t, "DeleteKey", s.DeleteKey(ctx, "A2"))
	_, err := s.GetKey(ctx, "A2")
	wantCode(t, "GetKey after DeleteKey", err, inapp.ENOTFOUND)
	wantCode(t, "DeleteKey twice", s.DeleteKey(ctx, "A2"), inapp.ENOTFOUND)
	sameIDs(t, "keys of app a after a delete", listKeys(t, s, a.ID), keyID, "A1")
	_, err = s.GetKey(ctx, "missing")
	wantCode(t, "GetKey of a missing key", err, inapp.ENOTFOUND)
}

func testKeyDuplicate(t *testing.T, s inapp.Store) {
	ctx := t.Context()
	app := newApp(t, s)
	want := accessKeyDoc("K", "")
	must(t, "CreateKey", s.CreateKey(ctx, want))
	wantCode(t, "CreateKey with an existing ID", s.CreateKey(ctx, accessKeyDoc("K", app.ID)), inapp.ECONFLICT)
	got, err := s.GetKey(ctx, "K")
	must(t, "GetKey", err)
	sameJSON(t, "key after a conflicting create", got, want)
}

func testKeyMissingApp(t *testing.T, s inapp.Store) {
	err := s.CreateKey(t.Context(), accessKeyDoc("K", "missing"))
	wantCode(t, "CreateKey for a missing app", err, inapp.ENOTFOUND)
	_, err = s.GetKey(t.Context(), "K")
	wantCode(t, "GetKey of a key refused", err, inapp.ENOTFOUND)
}
