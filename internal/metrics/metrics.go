// Package metrics is rollcall's Prometheus instrumentation, in a registry of
// each Metrics' own. No label carries PII or an unbounded value: anything
// unexpected is "other".
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promauto"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Latency buckets, in seconds: Kakao gives a skill 5 s, a sync run has 3 minutes.
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
	// statuses are the status codes' labels, made once so that counting a
	// request allocates nothing.
	statuses [600]string
}

// New returns rollcall's metrics, with the Go runtime's and the process's
// in the same registry.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	f := promauto.With(reg)
	counter := func(name, help string, labels ...string) *prometheus.CounterVec {
		return f.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
	}
	histogram := func(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
		return f.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
	}
	m := &Metrics{
		registry: reg,

		verifications: counter("rollcall_kakao_verifications_total",
			"Verifications decided or not, by outcome (employee, not_employee, undecided) and reason code.", "outcome", "reason"),
		verificationSeconds: histogram("rollcall_kakao_verification_duration_seconds",
			"Time a verification takes (the profile look-up and the directory), by outcome.", requestBuckets, "outcome"),
		profileSeconds: histogram("rollcall_kakao_profile_request_duration_seconds",
			"Requests to Kakao's OTP profile API and their latency, by result (ok, or the failure's reason code).", requestBuckets, "result"),
		profileErrors: counter("rollcall_kakao_profile_errors_total",
			"Failed requests to Kakao's OTP profile API, by kind (reason code) and Kakao's HTTP status class (none when no answer arrived).", "kind", "status"),

		syncRuns: counter("rollcall_sync_runs_total",
			"Sync runs, by result (ok, refused by the deletion brake, busy with another sync, failed) and whether they were dry runs.", "result", "dry_run"),
		syncSeconds: histogram("rollcall_sync_duration_seconds",
			"Duration of the sync runs that started (busy ones did not), by result.", syncBuckets, "result"),
		syncChanges: counter("rollcall_sync_changes_total",
			"Employees added, updated and deleted by applied syncs (not dry runs).", "change"),
		syncLastSuccess: f.NewGauge(prometheus.GaugeOpts{Name: "rollcall_sync_last_success_timestamp_seconds",
			Help: "When the last applied sync that succeeded finished, in Unix seconds; 0 if none has in this process."}),
		employees: f.NewGauge(prometheus.GaugeOpts{Name: "rollcall_directory_employees",
			Help: "Employees in the directory after the last applied sync that succeeded in this process."}),

		requests: counter("rollcall_http_requests_total",
			"HTTP requests served, by method, route pattern and status code.", "method", "route", "status"),
		requestSeconds: histogram("rollcall_http_request_duration_seconds",
			"Time to serve an HTTP request, by method and route pattern.", requestBuckets, "method", "route"),
	}
	for _, change := range []string{"added", "updated", "deleted"} {
		m.syncChanges.WithLabelValues(change) // present, at 0, before the first sync
	}
	for code := 100; code < len(m.statuses); code++ {
		m.statuses[code] = strconv.Itoa(code)
	}
	return m
}

// Handler serves the metrics in Prometheus's text format, for GET /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// ObserveRequest counts one HTTP request served. routePattern is gin's
// c.FullPath() or "(unmatched)", never the raw path a client chose.
func (m *Metrics) ObserveRequest(httpMethod, routePattern string, statusCode int, elapsed time.Duration) {
	httpMethod, routePattern = method(httpMethod), route(routePattern)
	status := other
	if statusCode >= 100 && statusCode < len(m.statuses) {
		status = m.statuses[statusCode]
	}
	m.requests.WithLabelValues(httpMethod, routePattern, status).Inc()
	m.requestSeconds.WithLabelValues(httpMethod, routePattern).Observe(elapsed.Seconds())
}
