#!/usr/bin/env bash
# One-time set-up of a Google Cloud project for rollcall. Safe to run again:
# everything it creates is looked up first, and IAM grants are idempotent.
#
#   PROJECT_ID=my-project deploy/setup.sh
#
# Optional: REGION (asia-northeast3), REPOSITORY (rollcall).
#
# It enables the APIs; creates three service accounts with the least they
# need; the Firestore database (native mode), the Artifact Registry
# repository, the Cloud Build source bucket and the two secrets. It never
# sees the Kakao REST API key: it prints how to add it from stdin. The skill
# secret is generated here, once, piped straight into Secret Manager.
#
# What each account may do:
#   rollcall-runtime    the service and the sync job: Firestore (datastore.user),
#                       read the two secrets (on those secrets only). Nothing else.
#   rollcall-scheduler  Cloud Scheduler's identity: run.invoker on the service
#                       only (granted by deploy/scheduler.sh once it exists).
#   rollcall-deployer   Cloud Build: push to the repository, deploy Cloud Run
#                       as rollcall-runtime, write build logs, read build sources.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_project

runtime_sa="$(sa_email "$RUNTIME_SA_NAME")"
scheduler_sa="$(sa_email "$SCHEDULER_SA_NAME")"
deployer_sa="$(sa_email "$DEPLOYER_SA_NAME")"
source_bucket="gs://${PROJECT_ID}_cloudbuild"

say "enabling APIs in ${PROJECT_ID}"
gcloud services enable \
	run.googleapis.com \
	firestore.googleapis.com \
	sheets.googleapis.com \
	secretmanager.googleapis.com \
	cloudscheduler.googleapis.com \
	artifactregistry.googleapis.com \
	cloudbuild.googleapis.com \
	iam.googleapis.com \
	logging.googleapis.com \
	storage.googleapis.com \
	--project="$PROJECT_ID"

# ensure_service_account NAME DISPLAY-NAME
ensure_service_account() {
	local email
	email="$(sa_email "$1")"
	if gcloud iam service-accounts describe "$email" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "service account ${email} exists"
	else
		say "creating service account ${email}"
		gcloud iam service-accounts create "$1" --display-name="$2" --project="$PROJECT_ID"
	fi
}

ensure_service_account "$RUNTIME_SA_NAME" "rollcall service and sync"
ensure_service_account "$SCHEDULER_SA_NAME" "rollcall sync trigger (Cloud Scheduler)"
ensure_service_account "$DEPLOYER_SA_NAME" "rollcall build and deploy (Cloud Build)"

# Firestore: the (default) database, native mode, next to the service.
if db_type="$(gcloud firestore databases describe --database='(default)' --format='value(type)' --project="$PROJECT_ID" 2>/dev/null)"; then
	[[ "$db_type" == "FIRESTORE_NATIVE" ]] ||
		die "the project's (default) database is ${db_type:-of an unknown type}, not Firestore native mode; use another project"
	say "Firestore (default) database exists (native mode)"
else
	say "creating the Firestore (default) database in ${REGION}"
	gcloud firestore databases create --database='(default)' --location="$REGION" \
		--type=firestore-native --project="$PROJECT_ID"
fi

if gcloud artifacts repositories describe "$REPOSITORY" --location="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1; then
	say "Artifact Registry repository ${REPOSITORY} exists"
else
	say "creating Artifact Registry repository ${REPOSITORY} in ${REGION}"
	gcloud artifacts repositories create "$REPOSITORY" --repository-format=docker \
		--location="$REGION" --description="rollcall images" --project="$PROJECT_ID"
fi

# The bucket `gcloud builds submit` uploads sources to; made here so that the
# deployer may read it (and only it).
if gcloud storage buckets describe "$source_bucket" --project="$PROJECT_ID" >/dev/null 2>&1; then
	say "Cloud Build source bucket ${source_bucket} exists"
else
	say "creating Cloud Build source bucket ${source_bucket}"
	gcloud storage buckets create "$source_bucket" --location="$REGION" \
		--uniform-bucket-level-access --project="$PROJECT_ID"
fi

# ensure_secret NAME: a secret with no version yet, replicated in REGION only.
ensure_secret() {
	if gcloud secrets describe "$1" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "secret $1 exists"
	else
		say "creating secret $1 (empty)"
		gcloud secrets create "$1" --replication-policy=user-managed \
			--locations="$REGION" --project="$PROJECT_ID"
	fi
	retry gcloud secrets add-iam-policy-binding "$1" \
		--member="serviceAccount:${runtime_sa}" --role=roles/secretmanager.secretAccessor \
		--project="$PROJECT_ID" >/dev/null
}

# has_version NAME: does the secret have an enabled version?
has_version() {
	[[ -n "$(gcloud secrets versions list "$1" --filter='state=ENABLED' --limit=1 \
		--format='value(name)' --project="$PROJECT_ID")" ]]
}

ensure_secret "$KAKAO_SECRET"
ensure_secret "$SKILL_SECRET"

# The skill secret is rollcall's own: 32 random bytes, hex (safe in a URL),
# generated once and piped to Secret Manager, never in argv or on disk.
if has_version "$SKILL_SECRET"; then
	say "secret ${SKILL_SECRET} has a version; keeping it"
else
	say "generating the skill secret"
	od -An -tx1 -N32 /dev/urandom | tr -d ' \n' |
		gcloud secrets versions add "$SKILL_SECRET" --data-file=- --project="$PROJECT_ID" >/dev/null
fi

say "granting roles"
# project_role ACCOUNT ROLE: a project-level grant (Firestore and Cloud Run
# have no narrower resource to grant on).
project_role() {
	retry gcloud projects add-iam-policy-binding "$PROJECT_ID" \
		--member="serviceAccount:$1" --role="$2" --condition=None >/dev/null
}
project_role "$runtime_sa" roles/datastore.user
project_role "$deployer_sa" roles/run.admin
project_role "$deployer_sa" roles/logging.logWriter

retry gcloud artifacts repositories add-iam-policy-binding "$REPOSITORY" --location="$REGION" \
	--member="serviceAccount:${deployer_sa}" --role=roles/artifactregistry.writer \
	--project="$PROJECT_ID" >/dev/null
retry gcloud iam service-accounts add-iam-policy-binding "$runtime_sa" \
	--member="serviceAccount:${deployer_sa}" --role=roles/iam.serviceAccountUser \
	--project="$PROJECT_ID" >/dev/null
retry gcloud storage buckets add-iam-policy-binding "$source_bucket" \
	--member="serviceAccount:${deployer_sa}" --role=roles/storage.objectViewer \
	--project="$PROJECT_ID" >/dev/null

kakao_next="the Kakao REST API key already has a version"
if ! has_version "$KAKAO_SECRET"; then
	kakao_next="add the Kakao REST API key (typed, not echoed, never in argv):
       read -rs KEY && printf '%s' \"\$KEY\" | gcloud secrets versions add ${KAKAO_SECRET} --data-file=- --project=${PROJECT_ID}; unset KEY"
fi

cat <<NEXT

Set-up of ${PROJECT_ID} is done. Next (docs/deploy.md explains each step):
  1. ${kakao_next}
  2. share the Google Sheet with ${runtime_sa} as Viewer
  3. build and deploy:
       gcloud builds submit --config=cloudbuild.yaml --project=${PROJECT_ID} \\
         --substitutions=COMMIT_SHA=\$(git rev-parse HEAD),_SHEET_URL='<sheet URL>'
  4. schedule the sync:  PROJECT_ID=${PROJECT_ID} deploy/scheduler.sh
The scheduler will call the service as ${scheduler_sa}.
NEXT
