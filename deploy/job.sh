#!/usr/bin/env bash
# Optional: a Cloud Run Job that runs `rollcall sync` once, as rollcall-runtime,
# with the image the service runs now. It is for an operator's one-off sync
# without a token — a dry run, or a forced sync after the deletion brake:
#
#   gcloud run jobs execute rollcall-sync-job --region=asia-northeast3 --wait \
#     --args=sync,--dry-run          (or --args=sync,--force)
#
# Creating or updating it (`gcloud run jobs deploy` does either) is safe to
# repeat; run it again after a deploy to move the job to the new image.
#
#   PROJECT_ID=my-project SHEET_URL='<sheet URL>' deploy/job.sh
#
# Optional: REGION, SERVICE, SHEET_RANGE, MAX_DELETE_PERCENT (20), FEEDBACK_TAB
# (the tab the sync writes its result into for HR; needs an Editor share).
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_project
[[ -n "${SHEET_URL:-}" ]] || die "set SHEET_URL to the employee sheet's URL (the _SHEET_URL of the build)"
SHEET_RANGE="${SHEET_RANGE:-}"
FEEDBACK_TAB="${FEEDBACK_TAB:-}"
MAX_DELETE_PERCENT="${MAX_DELETE_PERCENT:-20}"

readonly job="${SERVICE}-sync-job"
runtime_sa="$(sa_email "$RUNTIME_SA_NAME")"

image="$(gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" \
	--format='value(spec.template.spec.containers[0].image)' 2>/dev/null || true)"
[[ -n "$image" ]] || die "Cloud Run service ${SERVICE} not found in ${REGION}: deploy it first"

say "deploying Cloud Run job ${job} with ${image}"
# ^|^ makes | the separator, so values may contain commas.
gcloud run jobs deploy "$job" \
	--image="$image" \
	--region="$REGION" \
	--service-account="$runtime_sa" \
	--args=sync \
	--set-env-vars="^|^ROLLCALL_SOURCE=${SHEET_URL}|ROLLCALL_SHEET_RANGE=${SHEET_RANGE}|ROLLCALL_FEEDBACK_TAB=${FEEDBACK_TAB}|ROLLCALL_STORE=firestore:${PROJECT_ID}|ROLLCALL_MAX_DELETE_PERCENT=${MAX_DELETE_PERCENT}|ROLLCALL_LOG_FORMAT=json|GOMEMLIMIT=400MiB" \
	--tasks=1 \
	--max-retries=0 \
	--task-timeout=600s \
	--cpu=1 \
	--memory=512Mi \
	--project="$PROJECT_ID" >/dev/null

cat <<NEXT

Job ${job} is ready. A dry run:
  gcloud run jobs execute ${job} --region=${REGION} --project=${PROJECT_ID} --wait --args=sync,--dry-run
NEXT
