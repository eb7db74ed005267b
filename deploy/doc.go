// Package deploy holds what it takes to run rollcall on Cloud Run: the
// operator's scripts in this directory (setup.sh, scheduler.sh, job.sh,
// monitoring.sh with its files in monitoring/), with
// the Dockerfile, .dockerignore and cloudbuild.yaml at the repository root and
// the operator's guide in docs/deploy.md.
//
// It has no Go API. Its tests keep those files' intent: the image runs the
// static binary alone, as a user that is not root, from a build context
// that holds only what go build needs; the deploy step keeps one warm
// instance, a startup probe on /ready and its secrets in Secret Manager;
// every variable named exists in internal/config; no secret value is
// written down; the scripts pass shellcheck and are safe to run twice
// (against a fake gcloud); the Dockerfile's build command makes a static
// binary that serves with an empty environment; and every log-based
// metric reads fields and values that binary really writes. They also
// shellcheck the repository's own scripts and hold make lint to refusing a
// tracked file over 1 MiB or a program. They do not restate the files line
// by line, nor model Cloud Logging or the console.
package deploy
