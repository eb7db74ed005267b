# shellcheck shell=bash
# The names below are read by the scripts that source this file.
# shellcheck disable=SC2034
# Settings and helpers shared by the deploy scripts; sourced, never run.
#
# The names here are the ones cloudbuild.yaml uses: change one, change both
# (the deploy package's tests check that they agree).
#
# Every gcloud call names the project explicitly, so that the operator's
# current gcloud configuration cannot point a script at the wrong project.

# Never stop to ask: these scripts run unattended and re-runnable.
export CLOUDSDK_CORE_DISABLE_PROMPTS=1

PROJECT_ID="${PROJECT_ID:-$(gcloud config get-value project 2>/dev/null || true)}"
REGION="${REGION:-asia-northeast3}"
SERVICE="${SERVICE:-rollcall}"
REPOSITORY="${REPOSITORY:-rollcall}"

readonly RUNTIME_SA_NAME="rollcall-runtime"
readonly SCHEDULER_SA_NAME="rollcall-scheduler"
readonly DEPLOYER_SA_NAME="rollcall-deployer"
readonly KAKAO_SECRET="kakao-rest-api-key"
readonly SKILL_SECRET="skill-secret"

# die prints its arguments to stderr and stops the script.
die() {
	printf '%s: %s\n' "$(basename "$0")" "$*" >&2
	exit 1
}

# say prints a progress line.
say() {
	printf '==> %s\n' "$*"
}

# require_project stops unless PROJECT_ID names a project.
require_project() {
	[[ -n "$PROJECT_ID" && "$PROJECT_ID" != "(unset)" ]] ||
		die "set PROJECT_ID=<your project id> (or run: gcloud config set project <id>)"
}

# sa_email prints the email of the service account named $1 in this project.
sa_email() {
	printf '%s@%s.iam.gserviceaccount.com' "$1" "$PROJECT_ID"
}

# retry runs its arguments until they succeed, at most 5 times, 5 s apart:
# IAM sometimes needs a few seconds to see a service account just created.
retry() {
	local attempt
	for attempt in 1 2 3 4 5; do
		if "$@"; then
			return 0
		fi
		if [[ $attempt -lt 5 ]]; then
			printf 'retrying in 5 s: %s\n' "$*" >&2
			sleep 5
		fi
	done
	return 1
}

# project_number prints the number of PROJECT_ID.
project_number() {
	gcloud projects describe "$PROJECT_ID" --format='value(projectNumber)'
}

# service_url prints the service's deterministic run.app URL,
# https://SERVICE-PROJECT_NUMBER.REGION.run.app, which cloudbuild.yaml also
# builds (from $PROJECT_NUMBER) for ROLLCALL_SYNC_AUDIENCE.
service_url() {
	local number
	number="$(project_number)" || return 1
	[[ -n "$number" ]] || return 1
	printf 'https://%s-%s.%s.run.app' "$SERVICE" "$number" "$REGION"
}
