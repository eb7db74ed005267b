#!/usr/bin/env bash
# One-time set-up of a Google Cloud project for rollcall. Safe to run again:
# everything it creates is looked up first, and IAM grants are idempotent.
#
#   PROJECT_ID=my-project deploy/setup.sh
#
# Optional: REGION (asia-northeast3), REPOSITORY (rollcall).
#
# STATIC_EGRESS=1 also gives the service a fixed outbound address, for a
# Kakao app that allows its REST API key from listed server addresses only:
# a VPC network and subnet for Direct VPC egress, a reserved static IP, and
# Cloud NAT sending the service's traffic out from it (EGRESS_RANGE, the
# subnet's range, defaults to 10.124.0.0/26). Once the service exists, it is
# switched to that egress; run again after the first deploy if it did not.
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

# A fixed outbound address (STATIC_EGRESS=1): Direct VPC egress sends all
# of the service's outbound traffic into a subnet of its own, and Cloud NAT
# sends it to the internet from one reserved static IP, the address to
# register with Kakao.
egress_next=""
if [[ "${STATIC_EGRESS:-}" == 1 ]]; then
	egress="rollcall-egress"
	say "enabling the Compute Engine API (VPC network, static IP, Cloud NAT)"
	gcloud services enable compute.googleapis.com --project="$PROJECT_ID"

	if gcloud compute networks describe "$egress" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "VPC network ${egress} exists"
	else
		say "creating VPC network ${egress}"
		gcloud compute networks create "$egress" --subnet-mode=custom --project="$PROJECT_ID"
	fi
	# Direct VPC egress takes its instances' addresses from this subnet: at
	# least a /26.
	if gcloud compute networks subnets describe "$egress" --region="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "subnet ${egress} exists"
	else
		say "creating subnet ${egress} (${EGRESS_RANGE:-10.124.0.0/26}) in ${REGION}"
		gcloud compute networks subnets create "$egress" --network="$egress" --region="$REGION" \
			--range="${EGRESS_RANGE:-10.124.0.0/26}" --project="$PROJECT_ID"
	fi
	if gcloud compute addresses describe "$egress" --region="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "static address ${egress} exists"
	else
		say "reserving static address ${egress} in ${REGION}"
		gcloud compute addresses create "$egress" --region="$REGION" --project="$PROJECT_ID"
	fi
	if gcloud compute routers describe "$egress" --region="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "Cloud Router ${egress} exists"
	else
		say "creating Cloud Router ${egress}"
		gcloud compute routers create "$egress" --network="$egress" --region="$REGION" --project="$PROJECT_ID"
	fi
	if gcloud compute routers nats describe "$egress" --router="$egress" --region="$REGION" \
		--project="$PROJECT_ID" >/dev/null 2>&1; then
		say "Cloud NAT ${egress} exists"
	else
		say "creating Cloud NAT ${egress}: the subnet's traffic leaves from the reserved address"
		gcloud compute routers nats create "$egress" --router="$egress" --region="$REGION" \
			--nat-custom-subnet-ip-ranges="$egress" --nat-external-ip-pool="$egress" --project="$PROJECT_ID"
	fi
	address="$(gcloud compute addresses describe "$egress" --region="$REGION" \
		--format='value(address)' --project="$PROJECT_ID")"
	[[ -n "$address" ]] || die "the reserved address ${egress} has no IP"

	routed="after the first deploy, run STATIC_EGRESS=1 deploy/setup.sh again to route the service through it"
	if gcloud run services describe "$SERVICE" --region="$REGION" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "routing ${SERVICE}'s outbound traffic through ${egress} (Direct VPC egress, all traffic)"
		gcloud run services update "$SERVICE" --region="$REGION" --network="$egress" --subnet="$egress" \
			--vpc-egress=all-traffic --project="$PROJECT_ID"
		routed="the service's outbound traffic leaves from it; later deploys keep this"
	fi
	egress_next="
Fixed outbound address: ${address}
  ${routed}.
  Add it to the Kakao app's allowed IP addresses (Kakao Developers > the app > Security)."
fi

cat <<NEXT

Set-up of ${PROJECT_ID} is done. Next (docs/deploy.md explains each step):
  1. ${kakao_next}
  2. share the Google Sheet with ${runtime_sa} as Viewer
  3. build and deploy:
       gcloud builds submit --config=cloudbuild.yaml --project=${PROJECT_ID} \\
         --substitutions=COMMIT_SHA=\$(git rev-parse HEAD),_SHEET_URL='<sheet URL>'
  4. schedule the sync:  PROJECT_ID=${PROJECT_ID} deploy/scheduler.sh
The scheduler will call the service as ${scheduler_sa}.${egress_next}
NEXT
