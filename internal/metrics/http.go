package metrics

import "time"

// ObserveRequest counts one HTTP request served. route must be the route
// pattern (gin's c.FullPath(), or "(unmatched)"), never the raw path, which
// may carry anything a client sent.
func (m *Metrics) ObserveRequest(httpMethod, routePattern string, statusCode int, elapsed time.Duration) {
	httpMethod, routePattern = method(httpMethod), route(routePattern)
	m.requests.WithLabelValues(httpMethod, routePattern, status(statusCode)).Inc()
	m.requestSeconds.WithLabelValues(httpMethod, routePattern).Observe(elapsed.Seconds())
}
