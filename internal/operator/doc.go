// Package syncapi owns the sync's HTTP surface: POST /internal/sync, which
// Cloud Scheduler (with a Google-signed OIDC ID token) or an operator (with
// a static bearer token) calls to run a sync, and GET /internal/status,
// which shows the directory size, the last sync and the recent runs to the
// same callers; and GET /metrics for them or a Prometheus sidecar on loopback.
//
// The endpoints authenticate through one function (see authenticate): a
// request without valid credentials is answered 401 with a JSON error, and
// with neither a token nor invokers configured every request is refused.
package operator
