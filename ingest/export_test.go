package ingest

import "time"

// Report is report for the tests: one report over two Stats, without
// waiting for the ticker.
func (w *Writer) Report(prev, now Stats, over time.Duration) { w.report(prev, now, over) }
