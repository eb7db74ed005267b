// Package operator owns the endpoints an operator and their tools call:
// POST /internal/sync, which Cloud Scheduler (with a Google-signed OIDC ID
// token) or an operator (with a static bearer token) calls to run the sync;
// GET /internal/status, which shows the number of employees, the last sync
// and the recent runs to the same callers; and GET /metrics, for them or a
// Prometheus sidecar on loopback. /metrics is registered here only.
//
// The endpoints authenticate through one function (see authenticate): a
// request without valid credentials is answered 401 with a JSON error, and
// with neither a token nor invokers configured every request is refused.
package operator
