#!/usr/bin/env bash
# Creates, or updates, rollcall's monitoring from the files in
# deploy/monitoring/: log-based metrics made from the service's request and
# sync log lines, alerting policies that notify one channel, and a dashboard.
# Safe to run again: each is looked up first and updated if it exists.
#
#   PROJECT_ID=my-project NOTIFY_EMAIL=ops@example.com deploy/monitoring.sh
#   PROJECT_ID=my-project NOTIFY_CHANNEL=projects/my-project/notificationChannels/123 deploy/monitoring.sh
#
# Optional: SERVICE (rollcall). docs/operations.md lists each alert and
# what to do about it.
set -euo pipefail

# shellcheck source-path=SCRIPTDIR source=common.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_project

NOTIFY_EMAIL="${NOTIFY_EMAIL:-}"
NOTIFY_CHANNEL="${NOTIFY_CHANNEL:-}"
[[ -n "$NOTIFY_EMAIL" || -n "$NOTIFY_CHANNEL" ]] ||
	die "set NOTIFY_EMAIL=<address> or NOTIFY_CHANNEL=projects/<project>/notificationChannels/<id>: the alerts must reach someone"
[[ -z "$NOTIFY_CHANNEL" || "$NOTIFY_CHANNEL" =~ ^projects/[^/]+/notificationChannels/[0-9]+$ ]] ||
	die "NOTIFY_CHANNEL must read projects/<project>/notificationChannels/<id>"
[[ -z "$NOTIFY_EMAIL" || "$NOTIFY_EMAIL" =~ ^[^@[:space:]\"]+@[^@[:space:]\"]+$ ]] ||
	die "NOTIFY_EMAIL must be one email address"

files="$(dirname "${BASH_SOURCE[0]}")/monitoring"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

say "enabling the Monitoring and Logging APIs in ${PROJECT_ID}"
gcloud services enable monitoring.googleapis.com logging.googleapis.com --project="$PROJECT_ID"

if [[ -z "$NOTIFY_CHANNEL" ]]; then
	email_filter="type=\"email\" AND labels.email_address=\"${NOTIFY_EMAIL}\""
	NOTIFY_CHANNEL="$(gcloud beta monitoring channels list --filter="$email_filter" --format='value(name)' --limit=1 --project="$PROJECT_ID")"
	if [[ -z "$NOTIFY_CHANNEL" ]]; then
		say "creating an email notification channel"
		NOTIFY_CHANNEL="$(gcloud beta monitoring channels create --type=email --display-name="rollcall operators" \
			--channel-labels="email_address=${NOTIFY_EMAIL}" --format='value(name)' --project="$PROJECT_ID")"
	fi
	[[ -n "$NOTIFY_CHANNEL" ]] || die "no notification channel for NOTIFY_EMAIL: create one in the console and pass NOTIFY_CHANNEL"
fi

# render FILE: a copy of FILE in $work with this project's values in place of
# ${PROJECT_ID}, ${SERVICE} and ${NOTIFICATION_CHANNEL}; prints its path.
# The placeholders are literal text, never expanded by bash.
# shellcheck disable=SC2016
render() {
	local text out
	text="$(<"$1")"
	text="${text//'${PROJECT_ID}'/$PROJECT_ID}"
	text="${text//'${SERVICE}'/$SERVICE}"
	text="${text//'${NOTIFICATION_CHANNEL}'/$NOTIFY_CHANNEL}"
	out="${work}/$(basename "$1")"
	printf '%s\n' "$text" >"$out"
	printf '%s' "$out"
}

# display_name FILE: the top-level displayName of a policy file (written
# first, on its own line), the key a policy is found by.
display_name() {
	sed -n 's/^  "displayName": "\(.*\)",$/\1/p' "$1" | head -n 1
}

for file in "$files"/metrics/*.yaml; do
	metric="$(basename "$file" .yaml)"
	config="$(render "$file")"
	if gcloud logging metrics describe "$metric" --project="$PROJECT_ID" >/dev/null 2>&1; then
		say "updating log-based metric ${metric}"
		gcloud logging metrics update "$metric" --config-from-file="$config" --project="$PROJECT_ID" >/dev/null
	else
		say "creating log-based metric ${metric}"
		gcloud logging metrics create "$metric" --config-from-file="$config" --project="$PROJECT_ID" >/dev/null
	fi
done

for file in "$files"/policies/*.json; do
	name="$(display_name "$file")"
	[[ -n "$name" ]] || die "${file}: no top-level displayName"
	policy="$(render "$file")"
	existing="$(gcloud monitoring policies list --filter="displayName=\"${name}\"" --format='value(name)' --limit=1 --project="$PROJECT_ID")"
	if [[ -z "$existing" ]]; then
		say "creating alerting policy \"${name}\""
		gcloud monitoring policies create --policy-from-file="$policy" --project="$PROJECT_ID" >/dev/null
	else
		say "updating alerting policy \"${name}\""
		gcloud monitoring policies update "$existing" --policy-from-file="$policy" --project="$PROJECT_ID" >/dev/null
	fi
done

# The dashboard has a fixed name, projects/PROJECT/dashboards/SERVICE; an
# update must carry the current etag.
dashboard="$(render "$files/dashboard.json")"
dashboard_name="projects/${PROJECT_ID}/dashboards/${SERVICE}"
if etag="$(gcloud monitoring dashboards describe "$dashboard_name" --format='value(etag)' --project="$PROJECT_ID" 2>/dev/null)"; then
	say "updating dashboard ${dashboard_name}"
	sed -i "1a\\  \"etag\": \"${etag}\"," "$dashboard"
	gcloud monitoring dashboards update "$dashboard_name" --config-from-file="$dashboard" --project="$PROJECT_ID" >/dev/null
else
	say "creating dashboard ${dashboard_name}"
	gcloud monitoring dashboards create --config-from-file="$dashboard" --project="$PROJECT_ID" >/dev/null
fi

cat <<NEXT

Monitoring of ${SERVICE} is set: log-based metrics, alerting policies
notifying ${NOTIFY_CHANNEL}, and a dashboard:
  https://console.cloud.google.com/monitoring/dashboards/builder/${SERVICE}?project=${PROJECT_ID}
Log-based metrics count from now on: the sync alerts need a first sync to
have been counted before they can fire.
NEXT
