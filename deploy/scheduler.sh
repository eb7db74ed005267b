#!/usr/bin/env bash
# Creates, or updates, the Cloud Scheduler job that runs the sync: a POST to
# the service's /internal/sync every SYNC_EVERY_MINUTES minutes, carrying a
# Google-signed OIDC ID token for rollcall-scheduler whose audience is
# <service URL>/internal/sync — exactly ROLLCALL_SYNC_INVOKERS and
# ROLLCALL_SYNC_AUDIENCE as cloudbuild.yaml sets them. Safe to run again.
#
#   PROJECT_ID=my-project deploy/scheduler.sh
#
# Optional: REGION (asia-northeast3), SERVICE (rollcall), SYNC_EVERY_MINUTES
# (1), SCHEDULE (a cron line; overrides SYNC_EVERY_MINUTES), TIME_ZONE
# (Asia/Seoul). Run it after the first deploy: the service must exist.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_project

SYNC_EVERY_MINUTES="${SYNC_EVERY_MINUTES:-1}"
TIME_ZONE="${TIME_ZONE:-Asia/Seoul}"
if [[ -z "${SCHEDULE:-}" ]]; then
	[[ "$SYNC_EVERY_MINUTES" =~ ^[1-9][0-9]?$ && "$SYNC_EVERY_MINUTES" -le 59 ]] ||
		die "SYNC_EVERY_MINUTES must be a whole number of minutes from 1 to 59 (or set SCHEDULE to a cron line)"
	SCHEDULE="*/${SYNC_EVERY_MINUTES} * * * *"
fi

readonly job="${SERVICE}-sync"
scheduler_sa="$(sa_email "$SCHEDULER_SA_NAME")"

gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1 ||
	die "Cloud Run service ${SERVICE} not found in ${REGION}: deploy it first (docs/deploy.md, step 5)"

url="$(service_url)" || die "could not read the project number of ${PROJECT_ID}"
sync_url="${url}/internal/sync"

say "letting ${scheduler_sa} invoke ${SERVICE} (this service only)"
retry gcloud run services add-iam-policy-binding "$SERVICE" --region="$REGION" \
	--member="serviceAccount:${scheduler_sa}" --role=roles/run.invoker \
	--project="$PROJECT_ID" >/dev/null

# The flags both create and update take: the whole definition of the job.
job_flags=(
	--location="$REGION"
	--schedule="$SCHEDULE"
	--time-zone="$TIME_ZONE"
	--uri="$sync_url"
	--http-method=post
	--oidc-service-account-email="$scheduler_sa"
	--oidc-token-audience="$sync_url"
	--attempt-deadline=180s
	--description="rollcall: mirror the employee sheet into the directory"
	--project="$PROJECT_ID"
)

if gcloud scheduler jobs describe "$job" --location="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1; then
	say "updating scheduler job ${job}: ${SCHEDULE} (${TIME_ZONE}) -> ${sync_url}"
	gcloud scheduler jobs update http "$job" "${job_flags[@]}" >/dev/null
else
	say "creating scheduler job ${job}: ${SCHEDULE} (${TIME_ZONE}) -> ${sync_url}"
	gcloud scheduler jobs create http "$job" "${job_flags[@]}" >/dev/null
fi

cat <<NEXT

Scheduler job ${job} is set. Run a sync now and see its result:
  gcloud scheduler jobs run ${job} --location=${REGION} --project=${PROJECT_ID}
  gcloud logging read 'resource.type="cloud_run_revision" AND resource.labels.service_name="${SERVICE}"' \\
    --project=${PROJECT_ID} --limit=20 --freshness=10m
NEXT
