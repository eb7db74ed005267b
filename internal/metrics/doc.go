// Package metrics is rollcall's Prometheus instrumentation: skill
// verifications by endpoint, outcome and reason; requests to Kakao's profile
// API; sync runs; HTTP requests by route and status. Each Metrics owns its
// own registry (never Prometheus's global one), and Handler serves it in the
// Prometheus exposition format for GET /metrics.
//
// It meets the code it observes through the small interfaces that code
// declares (kakao.VerificationObserver, kakao.ProfileObserver) or by
// wrapping it (WrapSync); the HTTP server calls ObserveRequest. No label
// carries PII or an unbounded value: labels are endpoint names, outcome and
// reason codes, route patterns, methods and status codes, and anything else
// is counted as "other".
package metrics
