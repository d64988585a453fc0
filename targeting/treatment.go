package targeting

import inapp "github.com/inappd/inappd"

// Assign picks, for one endpoint of a campaign, the holdout or a treatment.
//
// A stable hash of (campaignID, endpointID) gives a bucket from 0 to 99:
// buckets below holdoutPercent are the holdout. The other endpoints are
// split across the treatments in proportion to treatmentSizes, where index
// i is treatment i (TreatmentId "i"; 0 is the main treatment, see
// TreatmentSizes); sizes of 0 or less get nobody. The split uses other bits
// of the same hash than the holdout, so every treatment gets its exact
// share of the non-holdout endpoints, and changing HoldoutPercent moves
// endpoints between holdout and treatments without reshuffling the rest.
//
// The hash is FNV-1a (64-bit) over campaignID, a zero byte and endpointID,
// followed by MurmurHash3's 64-bit finalizer. It must never change:
// changing it moves endpoints between treatments of running campaigns.
func Assign(campaignID, endpointID string, holdoutPercent int, treatmentSizes []int) (treatment int, holdout bool) {
	h := assignHash(campaignID, endpointID)
	if int(h%100) < holdoutPercent {
		return 0, true
	}
	total := 0
	for _, s := range treatmentSizes {
		if s > 0 {
			total += s
		}
	}
	if total == 0 {
		return 0, false
	}
	x := int((h / 100) % uint64(total))
	for i, s := range treatmentSizes {
		if s <= 0 {
			continue
		}
		if x < s {
			return i, false
		}
		x -= s
	}
	return 0, false // unreachable
}

// TreatmentSizes returns the sizes Assign takes for a campaign: first the
// main treatment's, 100 minus HoldoutPercent minus the additional
// treatments' SizePercent (never below 0), then each additional
// treatment's. SizePercent and HoldoutPercent are shares of the whole
// segment, as in Pinpoint, so with these sizes every treatment reaches its
// SizePercent of the segment's endpoints. Compute it once per snapshot, not
// per request.
func TreatmentSizes(c *inapp.Campaign) []int {
	sizes := make([]int, 1, 1+len(c.AdditionalTreatments))
	main := 100 - c.HoldoutPercent
	for _, t := range c.AdditionalTreatments {
		s := 0
		if t != nil {
			s = t.SizePercent
		}
		sizes = append(sizes, s)
		main -= s
	}
	sizes[0] = max(main, 0)
	return sizes
}

const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

func assignHash(campaignID, endpointID string) uint64 {
	return fmix64(fnv1a(campaignID, endpointID))
}

// fnv1a is FNV-1a over a, a zero byte and b (what hash/fnv's New64a gives).
func fnv1a(a, b string) uint64 {
	campaignID, endpointID := a, b
	h := uint64(fnvOffset64)
	for i := 0; i < len(campaignID); i++ {
		h ^= uint64(campaignID[i])
		h *= fnvPrime64
	}
	h *= fnvPrime64 // the zero byte between the two (h ^= 0 is a no-op)
	for i := 0; i < len(endpointID); i++ {
		h ^= uint64(endpointID[i])
		h *= fnvPrime64
	}
	return h
}

// fmix64 is MurmurHash3's finalizer: FNV's low bits mix poorly for short,
// similar keys, and the bucket is taken from the low bits.
func fmix64(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}
