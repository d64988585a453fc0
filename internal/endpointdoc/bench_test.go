package endpointdoc

import (
	"testing"

	inapp "github.com/inappd/inappd"
)

// importedDoc is an endpoint as the million-endpoint import test stores it.
const importedDoc = `{"ApplicationId":"0c5b0a3e7f4d4e0f9f0d2b9e5e6a7c1d","Attributes":{"interests":["shoes","hats"]},"ChannelType":"IN_APP","CohortId":"7","CreationDate":"2026-11-21T09:46:10.752Z","Demographic":{"Platform":"ios","Timezone":"Europe/Paris"},"EffectiveDate":"2026-11-21T09:46:10.752Z","EndpointStatus":"ACTIVE","Id":"5feceb66-ffc8-6f38-d952-786c6d696c79","Location":{"Country":"FR"},"Metrics":{"sessions":0},"OptOut":"NONE","User":{"UserAttributes":{"plan":["free"]},"UserId":"user-5feceb66ffc8"}}`

// BenchmarkDecode: a segment reading one user attribute and one metric,
// against the full decode it replaces.
func BenchmarkDecode(b *testing.B) {
	b.Run("endpointdoc", func(b *testing.B) {
		d := New(nil, []string{"plan"}, []string{"sessions"})
		b.SetBytes(int64(len(importedDoc)))
		for b.Loop() {
			if _, err := d.fast(importedDoc); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("DecodeEndpoint", func(b *testing.B) {
		b.SetBytes(int64(len(importedDoc)))
		for b.Loop() {
			if _, err := inapp.DecodeEndpoint(importedDoc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
