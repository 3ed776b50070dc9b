package main

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/factdesk/factdesk/workflows"
)

// Metrics are the desk's Prometheus metrics, on a registry of its own so
// that two desks in one test process do not collide.
type Metrics struct {
	registry   *prometheus.Registry
	commands   *prometheus.CounterVec
	deliveries *prometheus.CounterVec
	failures   *prometheus.CounterVec
}

// NewMetrics registers the desk's metrics; the outbox depth is read from the
// outbox when scraped.
func NewMetrics(outbox workflows.Outbox) *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "factdesk_commands_total", Help: "Chat commands handled, by command and outcome (ok, refused, error).",
		}, []string{"command", "outcome"}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "factdesk_outbox_delivered_total", Help: "Outbox messages delivered, by platform.",
		}, []string{"platform"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "factdesk_outbox_delivery_failures_total", Help: "Failed delivery attempts, by platform; final=true when given up.",
		}, []string{"platform", "final"}),
	}
	depth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "factdesk_outbox_depth", Help: "Outbox messages not yet delivered.",
	}, func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := outbox.Depth(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	})
	m.registry.MustRegister(m.commands, m.deliveries, m.failures, depth,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Command implements bot.Observer.
func (m *Metrics) Command(name, outcome string) { m.commands.WithLabelValues(name, outcome).Inc() }

// Delivered implements workflows.DispatchObserver.
func (m *Metrics) Delivered(platform string) { m.deliveries.WithLabelValues(platform).Inc() }

// DeliveryFailed implements workflows.DispatchObserver.
func (m *Metrics) DeliveryFailed(platform string, final bool) {
	f := "false"
	if final {
		f = "true"
	}
	m.failures.WithLabelValues(platform, f).Inc()
}

// Handler serves /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}
