package retrievalbench_test

import (
	"context"
	"os"
	"testing"

	"github.com/bottega-app/bottega/assistant/retrievalbench"
	"github.com/bottega-app/bottega/store/pgtest"
)

// BenchmarkRetrieval reports retrieval latency percentiles over the
// built-in curriculum and over 10,000 generated passages.
func BenchmarkRetrieval(b *testing.B) {
	db := pgtest.New(b)
	for b.Loop() {
		res, err := retrievalbench.Run(context.Background(), db, os.Stdout, retrievalbench.Options{Rounds: 5})
		if err != nil {
			b.Fatal(err)
		}
		for _, r := range res {
			b.ReportMetric(float64(r.P50.Microseconds())/1000, r.Corpus+"-p50-ms")
			b.ReportMetric(float64(r.P95.Microseconds())/1000, r.Corpus+"-p95-ms")
		}
	}
}
