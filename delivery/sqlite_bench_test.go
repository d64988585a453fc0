package delivery

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"

	inapp "github.com/inappd/inappd"
	"github.com/inappd/inappd/sqlite"
)

// BenchmarkAdminWriteRebuild measures what an admin write costs the
// writer on SQLite with 1,000 campaigns of ~1.4 KB, each on its own
// segment of 3 to 5 dimensions (the bench's data set): one campaign paused
// or resumed (a new version), then Invalidate, which returns once the new
// snapshot is live. The decode of every campaign and segment is included.
func BenchmarkAdminWriteRebuild(b *testing.B) {
	ctx := context.Background()
	db, camps := benchDB(b)
	e := warmEngine(b, db)
	for i := 0; b.Loop(); i++ {
		c := *camps[i%len(camps)]
		c.IsPaused = !c.IsPaused
		c.Version++
		if err := db.PutCampaign(ctx, &c); err != nil {
			b.Fatal(err)
		}
		camps[i%len(camps)] = &c
		e.Invalidate("app")
		// A request uses the snapshot, so that the next write rebuilds it.
		if _, err := e.InAppMessages(ctx, "app", "e1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAdminWriteRebuildSegment is BenchmarkAdminWriteRebuild for a
// segment write: a changed segment changes the snapshot's inputs, so
// every campaign is compiled again (the documents of the others are not
// read again).
func BenchmarkAdminWriteRebuildSegment(b *testing.B) {
	ctx := context.Background()
	db, _ := benchDB(b)
	e := warmEngine(b, db)
	for i := 0; b.Loop(); i++ {
		seg, err := db.GetSegment(ctx, "app", fmt.Sprintf("seg-%04d", i%1000), 0)
		if err != nil {
			b.Fatal(err)
		}
		seg.Version++
		seg.Name = fmt.Sprintf("segment, edit %d", i)
		if err := db.PutSegment(ctx, seg); err != nil {
			b.Fatal(err)
		}
		e.Invalidate("app")
		if _, err := e.InAppMessages(ctx, "app", "e1"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstBuild is the build after a restart: a new engine reads
// and decodes every campaign and segment of the app (the database file is
// in the OS page cache) and compiles them all.
func BenchmarkFirstBuild(b *testing.B) {
	ctx := context.Background()
	db, _ := benchDB(b)
	b.ResetTimer()
	for b.Loop() {
		if _, err := New(db, inapp.SystemClock{}, nil).InAppMessages(ctx, "app", "e1"); err != nil {
			b.Fatal(err)
		}
	}
}

// benchDB is a SQLite database holding seedBenchApp's 1,000 campaigns.
func benchDB(b *testing.B) (*sqlite.DB, []*inapp.Campaign) {
	db, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "inappd.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db, seedBenchApp(b, db, 1000)
}

// warmEngine is an engine on db whose snapshot of "app" is built, and the
// timer reset.
func warmEngine(b *testing.B, db *sqlite.DB) *Engine {
	e := New(db, inapp.SystemClock{}, nil)
	if _, err := e.InAppMessages(context.Background(), "app", "e1"); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	return e
}

// seedBenchApp creates app "app" with n campaigns, each on its own
// segment, and returns the campaigns as stored.
func seedBenchApp(b *testing.B, store inapp.Store, n int) []*inapp.Campaign {
	ctx := context.Background()
	if err := store.CreateApp(ctx, &inapp.App{ID: "app", Name: "bench", CreationDate: "2026-11-01T00:00:00.000Z"}); err != nil {
		b.Fatal(err)
	}
	if err := store.PutAppSettings(ctx, &inapp.AppSettings{ApplicationID: "app", LastModifiedDate: "2026-11-01T00:00:00.000Z"}); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(vals ...string) []string {
		out := []string{}
		for _, v := range vals {
			if rng.IntN(2) == 0 || len(out) == 0 {
				out = append(out, v)
			}
		}
		return out
	}
	num := func(v float64) *float64 { return &v }
	var camps []*inapp.Campaign
	for j := range n {
		d := &inapp.SegmentDimensions{}
		kinds := []func(){
			func() {
				d.Attributes = map[string]*inapp.AttributeDimension{"plan": {AttributeType: "INCLUSIVE", Values: pick("gold", "silver", "free")}}
			},
			func() {
				d.UserAttributes = map[string]*inapp.AttributeDimension{"tier": {AttributeType: "INCLUSIVE", Values: pick("t1", "t2", "t3", "t4")}}
			},
			func() {
				d.Demographic = &inapp.SegmentDemographics{Platform: &inapp.SetDimension{DimensionType: "INCLUSIVE", Values: pick("ios", "android", "web")}}
			},
			func() {
				d.Location = &inapp.SegmentLocation{Country: &inapp.SetDimension{DimensionType: "INCLUSIVE", Values: pick("US", "DE", "FR", "GB", "JP", "BR", "IN", "CA")}}
			},
			func() {
				d.Metrics = map[string]*inapp.MetricDimension{"purchases": {ComparisonOperator: "GREATER_THAN", Value: num(float64(rng.IntN(3)))}}
			},
		}
		for _, k := range rng.Perm(len(kinds))[:3+rng.IntN(3)] {
			kinds[k]()
		}
		seg := &inapp.Segment{ApplicationID: "app", ID: fmt.Sprintf("seg-%04d", j), Version: 1, SegmentType: "DIMENSIONAL",
			Name: fmt.Sprintf("segment %d", j), Dimensions: d, CreationDate: "2026-11-01T00:00:00.000Z", LastModifiedDate: "2026-11-01T00:00:00.000Z"}
		if err := store.PutSegment(ctx, seg); err != nil {
			b.Fatal(err)
		}
		radius := 8
		var content []*inapp.InAppMessageContent
		for c := range 1 + rng.IntN(2) {
			content = append(content, &inapp.InAppMessageContent{
				BackgroundColor: "#FFFFFF",
				HeaderConfig:    &inapp.InAppMessageHeaderConfig{Alignment: "CENTER", Header: "Something new for you", TextColor: "#000000"},
				BodyConfig: &inapp.InAppMessageBodyConfig{Alignment: "LEFT", TextColor: "#333333",
					Body: fmt.Sprintf("Hi there! Campaign %d card %d. Members get early access, free shipping on every order and a monthly surprise picked for them by our editors. Tap below.", j, c)},
				ImageUrl: fmt.Sprintf("https://cdn.example.com/campaigns/%04d/hero-%d.png", j, c),
				PrimaryBtn: &inapp.InAppMessageButton{
					DefaultConfig: &inapp.DefaultButtonConfiguration{BackgroundColor: "#0055FF", BorderRadius: &radius, ButtonAction: "LINK",
						Link: fmt.Sprintf("https://shop.example.com/offers/%d?utm_source=inapp", j), Text: "Show me", TextColor: "#FFFFFF"},
					Android: &inapp.OverrideButtonConfiguration{ButtonAction: "DEEP_LINK", Link: fmt.Sprintf("shop://offers/%d", j)},
					IOS:     &inapp.OverrideButtonConfiguration{ButtonAction: "DEEP_LINK", Link: fmt.Sprintf("shop://offers/%d", j)},
				},
				SecondaryBtn: &inapp.InAppMessageButton{DefaultConfig: &inapp.DefaultButtonConfiguration{ButtonAction: "CLOSE", Text: "Not now"}},
			})
		}
		c := campaign(fmt.Sprintf("camp-%04d", j), 2+rng.IntN(9), "", nil)
		c.Version, c.SegmentID, c.Name = 1, seg.ID, fmt.Sprintf("campaign %d", j)
		c.MessageConfiguration.InAppMessage.Content = content
		c.MessageConfiguration.InAppMessage.CustomConfig = map[string]string{"deep_link": fmt.Sprintf("shop://offers/%d", j)}
		if rng.IntN(10) < 3 {
			daily, total := 1+rng.IntN(3), 5+rng.IntN(16)
			c.Limits = &inapp.CampaignLimits{Daily: &daily, Total: &total}
		}
		if err := store.PutCampaign(ctx, c); err != nil {
			b.Fatal(err)
		}
		camps = append(camps, c)
	}
	return camps
}
