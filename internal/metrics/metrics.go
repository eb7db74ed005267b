package metrics

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Latency buckets, in seconds. Kakao gives a skill 5 s and rollcall aims
// to answer within 3 s; a sync of ten thousand rows takes seconds and its
// lease lasts 3 minutes.
var (
	requestBuckets = []float64{.001, .005, .01, .025, .05, .1, .25, .5, 1, 2, 3, 5, 10}
	syncBuckets    = []float64{.1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 180, 300}
)

// Metrics holds rollcall's metrics in a registry of its own. It is safe
// for concurrent use; create one per server with New.
type Metrics struct {
	registry *prometheus.Registry

	verifications       *prometheus.CounterVec
	verificationSeconds *prometheus.HistogramVec
	profileSeconds      *prometheus.HistogramVec
	profileErrors       *prometheus.CounterVec

	syncRuns        *prometheus.CounterVec
	syncSeconds     *prometheus.HistogramVec
	syncChanges     *prometheus.CounterVec
	syncLastSuccess prometheus.Gauge
	employees       prometheus.Gauge

	requests       *prometheus.CounterVec
	requestSeconds *prometheus.HistogramVec
}

// New returns rollcall's metrics, with the Go runtime's and the process's
// in the same registry.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),

		verifications: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rollcall_kakao_verifications_total",
			Help: "Verifications decided or not, by outcome (employee, not_employee, undecided) and reason code.",
		}, []string{"outcome", "reason"}),
		verificationSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rollcall_kakao_verification_duration_seconds",
			Help:    "Time a verification takes (the profile look-up and the directory), by outcome.",
			Buckets: requestBuckets,
		}, []string{"outcome"}),
		profileSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rollcall_kakao_profile_request_duration_seconds",
			Help:    "Requests to Kakao's OTP profile API and their latency, by result (ok, or the failure's reason code).",
			Buckets: requestBuckets,
		}, []string{"result"}),
		profileErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rollcall_kakao_profile_errors_total",
			Help: "Failed requests to Kakao's OTP profile API, by kind (reason code) and Kakao's HTTP status class (none when no answer arrived).",
		}, []string{"kind", "status"}),

		syncRuns: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rollcall_sync_runs_total",
			Help: "Sync runs, by result (ok, refused by the deletion brake, busy with another sync, failed) and whether they were dry runs.",
		}, []string{"result", "dry_run"}),
		syncSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rollcall_sync_duration_seconds",
			Help:    "Duration of the sync runs that started (busy ones did not), by result.",
			Buckets: syncBuckets,
		}, []string{"result"}),
		syncChanges: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rollcall_sync_changes_total",
			Help: "Employees added, updated and deleted by applied syncs (not dry runs).",
		}, []string{"change"}),
		syncLastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rollcall_sync_last_success_timestamp_seconds",
			Help: "When the last applied sync that succeeded finished, in Unix seconds; 0 if none has in this process.",
		}),
		employees: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "rollcall_directory_employees",
			Help: "Employees in the directory after the last applied sync that succeeded in this process.",
		}),

		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "rollcall_http_requests_total",
			Help: "HTTP requests served, by method, route pattern and status code.",
		}, []string{"method", "route", "status"}),
		requestSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "rollcall_http_request_duration_seconds",
			Help:    "Time to serve an HTTP request, by method and route pattern.",
			Buckets: requestBuckets,
		}, []string{"method", "route"}),
	}
	m.registry.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.verifications, m.verificationSeconds, m.profileSeconds, m.profileErrors,
		m.syncRuns, m.syncSeconds, m.syncChanges, m.syncLastSuccess, m.employees,
		m.requests, m.requestSeconds,
	)
	for _, change := range []string{"added", "updated", "deleted"} {
		m.syncChanges.WithLabelValues(change) // present, at 0, before the first sync
	}
	return m
}

// Handler serves the metrics in the Prometheus text exposition format, for
// GET /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}
