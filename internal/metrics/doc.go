// Package metrics is rollcall's Prometheus instrumentation: verifications
// by outcome and reason; requests to Kakao's profile API; sync runs; HTTP
// requests by route and status. Each Metrics owns its own registry (never
// Prometheus's global one), and Handler serves it for GET /metrics.
//
// It observes a use case by wrapping it — WrapSync, WrapVerifier and
// WrapProfiles return decorators of the interface they wrap — so the use
// cases know nothing of it; the HTTP server calls ObserveRequest. No label
// carries PII or an unbounded value: labels are outcome and reason codes,
// route patterns, methods and status codes, and anything else is "other".
package metrics
