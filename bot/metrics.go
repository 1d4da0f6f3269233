package bot

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Metrics counts handled updates and their latency. A nil *Metrics records
// nothing.
type Metrics struct {
	updates *prometheus.CounterVec
	latency *prometheus.HistogramVec
}

// NewMetrics registers the dispatcher's metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		updates: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bottega_updates_total",
			Help: "Updates handled, by platform and result (ok, duplicate, error, retry).",
		}, []string{"platform", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "bottega_update_duration_seconds",
			Help:    "Time from taking an update to having sent its replies.",
			Buckets: []float64{.001, .0025, .005, .01, .02, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"platform"}),
	}
	reg.MustRegister(m.updates, m.latency)
	return m
}

func (m *Metrics) observe(platform, result string, d time.Duration) {
	if m == nil {
		return
	}
	m.updates.WithLabelValues(platform, result).Inc()
	if result == "ok" || result == "error" {
		m.latency.WithLabelValues(platform).Observe(d.Seconds())
	}
}
