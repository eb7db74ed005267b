// Package deploy holds what it takes to run rollcall on Cloud Run: the
// operator's scripts in this directory (setup.sh, scheduler.sh, job.sh), with
// the Dockerfile, .dockerignore and cloudbuild.yaml at the repository root and
// the operator's guide in docs/deploy.md.
//
// It has no Go API. Its tests keep those files honest: the YAML parses, the
// deploy step keeps one warm instance, a startup probe on /ready and its
// secrets in Secret Manager; every variable they set exists in
// internal/config; no secret value is written down; the scripts pass
// shellcheck and are safe to run twice (checked against a fake gcloud); and
// the Dockerfile's build command, run outside Docker, makes a static binary
// that serves with an empty environment.
package deploy
