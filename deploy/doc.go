// Package deploy holds what it takes to run rollcall on Cloud Run: the
// operator's scripts in this directory (setup.sh, scheduler.sh, job.sh,
// monitoring.sh with its files in monitoring/), with
// the Dockerfile, .dockerignore and cloudbuild.yaml at the repository root and
// the operator's guide in docs/deploy.md.
//
// It has no Go API. Its tests keep those files' intent: the image is built in
// stages and runs the static binary alone as nonroot; the deploy step keeps
// one warm instance, a startup probe on /ready and its secrets in Secret
// Manager; every variable named exists in internal/config; no secret value
// is written down; the scripts pass shellcheck and are safe to run twice
// (against a fake gcloud); the Dockerfile's build command makes a static
// binary that serves with an empty environment; and every log-based
// metric's filter matches lines that binary really writes.
package deploy
