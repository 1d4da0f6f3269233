package broadcast

import "github.com/prometheus/client_golang/prometheus"

// Delivery outcomes, as counted in the metrics.
const (
	OutcomeSent        = "sent"
	OutcomeRateLimited = "429"
	OutcomeBlocked     = "403"
	OutcomeError       = "error"
	OutcomeUncertain   = "uncertain"
	OutcomeSkipped     = "skipped"
)

// Metrics counts deliveries for Prometheus. A nil *Metrics counts nothing.
type Metrics struct {
	deliveries *prometheus.CounterVec
	depth      *prometheus.GaugeVec
}

// NewMetrics registers the delivery metrics with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "bottega_deliveries_total",
			Help: "Broadcast and reminder messages by outcome: sent, 429 (rate limited), 403 (learner blocked the bot), error, uncertain (interrupted mid-send, not resent).",
		}, []string{"outcome"}),
		depth: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "bottega_delivery_queue_depth",
			Help: "Deliveries waiting to be sent, by platform.",
		}, []string{"platform"}),
	}
	reg.MustRegister(m.deliveries, m.depth)
	return m
}

func (m *Metrics) add(outcome string, n int) {
	if m != nil {
		m.deliveries.WithLabelValues(outcome).Add(float64(n))
	}
}

func (m *Metrics) setDepth(platform string, n int) {
	if m != nil {
		m.depth.WithLabelValues(platform).Set(float64(n))
	}
}
