#!/usr/bin/env bash
# Runs a command against a private, freshly started Firestore emulator.
#
#   scripts/firestore-emulator.sh <command...>
#   scripts/firestore-emulator.sh go test -race ./...
#
# It starts the official Cloud Firestore emulator that ships with the machine's
# Google Cloud SDK on a free loopback port, waits until it answers, exports
#
#   FIRESTORE_EMULATOR_HOST=127.0.0.1:PORT   (the Firestore client library talks to it)
#   ROLLCALL_TEST_FIRESTORE=required          (the Firestore tests fail instead of skipping)
#
# runs the command, always stops the emulator (its whole process group) and
# exits with the command's exit code. Before the command runs, the emulator
# answers a few warm-up requests: its first answers are slow (a JVM that has
# not compiled anything yet), slower than a test's probe may wait.
#
# FIRESTORE_EMULATOR_PORT, when set, is the port to use instead of a free
# one (to start an emulator again at the same address). When the emulator
# cannot be found or started it says what is missing and exits 125 without
# running the command.
#
# Tests isolate themselves with a project id each, so one emulator serves a
# whole `go test` run.
set -euo pipefail

readonly prog="firestore-emulator"
readonly jar_rel="platform/cloud-firestore-emulator/cloud-firestore-emulator.jar"
readonly main_class="com.google.cloud.datastore.emulator.firestore.CloudFirestore"
readonly ready_timeout_s=60

die() {
	printf '%s: %s\n' "$prog" "$*" >&2
	exit 125
}

if [[ $# -eq 0 ]]; then
	printf 'usage: %s <command...>\n' "$0" >&2
	exit 2
fi

install_hint="install it with: apt-get install google-cloud-cli-firestore-emulator (Debian/Ubuntu with Google's apt repository) or: gcloud components install cloud-firestore-emulator"

command -v gcloud >/dev/null 2>&1 ||
	die "gcloud (the Google Cloud SDK) is not installed; install it and the emulator with: apt-get install google-cloud-cli google-cloud-cli-firestore-emulator (from Google's apt repository)"
command -v java >/dev/null 2>&1 ||
	die "java is not installed; the Firestore emulator needs a Java 11+ runtime: apt-get install default-jre-headless"
command -v setsid >/dev/null 2>&1 ||
	die "setsid is not installed (needed to stop the emulator cleanly): apt-get install util-linux"

# find_jar prints the emulator jar of the SDK that gcloud belongs to, if any.
# The path next to the gcloud binary is tried first because `gcloud info`
# takes a second or two to start Python.
find_jar() {
	local root
	root="$(dirname "$(readlink -f "$(command -v gcloud)")")/.."
	if [[ -f "${root}/${jar_rel}" ]]; then
		readlink -f "${root}/${jar_rel}"
		return 0
	fi
	root="$(gcloud info --format='value(installation.sdk_root)' 2>/dev/null || true)"
	if [[ -n "$root" && -f "${root}/${jar_rel}" ]]; then
		printf '%s\n' "${root}/${jar_rel}"
		return 0
	fi
	return 1
}

jar="$(find_jar || true)"

# port_in_use reports whether something accepts connections on 127.0.0.1:$1.
port_in_use() {
	(exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# free_port prints a loopback port nobody listens on. A race with another
# process remains possible; start_emulator retries on a new port then.
free_port() {
	local port i
	for i in $(seq 1 50); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		if ! port_in_use "$port"; then
			printf '%s\n' "$port"
			return 0
		fi
		: "$i"
	done
	return 1
}

# answers_ok reports whether the emulator's HTTP root on port $1 says 200.
answers_ok() {
	(
		exec 3<>"/dev/tcp/127.0.0.1/$1" || exit 1
		printf 'GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&3
		IFS= read -r -t 2 status <&3 || exit 1
		[[ "$status" == *" 200 "* ]]
	) 2>/dev/null
}

# request sends one HTTP/1.0 request to the emulator on port $1 (method $2,
# path $3, JSON body $4) and succeeds if it answers 200. A cold emulator may
# take many seconds; it is given a minute.
request() {
	local port=$1 method=$2 path=$3 body=${4:-}
	(
		exec 3<>"/dev/tcp/127.0.0.1/${port}" || exit 1
		printf '%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
			"$method" "$path" "${#body}" "$body" >&3
		IFS= read -r -t 60 status <&3 || exit 1
		[[ "$status" == *" 200 "* ]]
	) 2>/dev/null
}

# warm_up makes the emulator on port $1 write, read and query once, in a
# project of its own that no test uses.
warm_up() {
	local port=$1 docs="/v1/projects/rollcall-warmup/databases/(default)/documents"
	request "$port" POST "${docs}/warmup?documentId=first" '{"fields":{"n":{"integerValue":"1"}}}' &&
		request "$port" GET "${docs}/warmup/first" &&
		request "$port" POST "${docs}:runQuery" '{"structuredQuery":{"from":[{"collectionId":"warmup"}],"limit":1}}'
}

log="$(mktemp "${TMPDIR:-/tmp}/firestore-emulator.XXXXXX.log")"
emulator_pid=""

# stop_emulator stops the emulator's whole process group (gcloud's wrapper
# starts java as a child), first politely, then for good.
stop_emulator() {
	[[ -n "$emulator_pid" ]] || return 0
	local i
	kill -TERM -- "-${emulator_pid}" 2>/dev/null || true
	for i in $(seq 1 50); do
		# Gone, or a zombie waiting for us to reap it.
		[[ "$(ps -o stat= -p "$emulator_pid" 2>/dev/null || true)" == Z* ]] && break
		kill -0 "$emulator_pid" 2>/dev/null || break
		sleep 0.2
		: "$i"
	done
	# Whatever is left of the group (a straggling child, a hung JVM) goes now.
	kill -KILL -- "-${emulator_pid}" 2>/dev/null || true
	wait "$emulator_pid" 2>/dev/null || true
	emulator_pid=""
}

# cleanup runs on every exit: the trap calls it, hence the directive.
# shellcheck disable=SC2317
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	stop_emulator
	rm -f "$log"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_emulator starts the emulator on port $1 in a process group of its own
# and sets emulator_pid.
start_emulator() {
	local port=$1
	if [[ -n "$jar" ]]; then
		setsid java -Duser.language=en -cp "$jar" "$main_class" \
			--host=127.0.0.1 --port="$port" >"$log" 2>&1 </dev/null &
	else
		CLOUDSDK_CORE_DISABLE_PROMPTS=1 setsid gcloud emulators firestore start \
			--host-port="127.0.0.1:${port}" >"$log" 2>&1 </dev/null &
	fi
	emulator_pid=$!
}

# wait_ready waits until the emulator on port $1 answers; it fails when the
# emulator exits or does not answer in time.
wait_ready() {
	local port=$1 deadline=$((SECONDS + ready_timeout_s))
	while ((SECONDS < deadline)); do
		if answers_ok "$port"; then
			return 0
		fi
		if ! kill -0 "$emulator_pid" 2>/dev/null; then
			return 1
		fi
		sleep 0.2
	done
	return 1
}

port=""
for attempt in 1 2 3; do
	if [[ -n "${FIRESTORE_EMULATOR_PORT:-}" ]]; then
		candidate=$FIRESTORE_EMULATOR_PORT
		port_in_use "$candidate" && die "FIRESTORE_EMULATOR_PORT ${candidate} is in use"
	else
		candidate="$(free_port)" || die "found no free loopback port"
	fi
	start_emulator "$candidate"
	if wait_ready "$candidate"; then
		port=$candidate
		break
	fi
	stop_emulator
	if [[ -z "${FIRESTORE_EMULATOR_PORT:-}" ]] && grep -qi 'address already in use' "$log"; then
		continue # lost a race for the port: try another one
	fi
	{
		if [[ -z "$jar" ]]; then
			printf '%s: the Firestore emulator component was not found in the Google Cloud SDK (no %s); %s\n' \
				"$prog" "$jar_rel" "$install_hint"
		fi
		printf '%s: the Firestore emulator did not become ready on 127.0.0.1:%s within %ss (attempt %s); its log ends with:\n' \
			"$prog" "$candidate" "$ready_timeout_s" "$attempt"
		tail -n 40 "$log" | sed 's/^/    /'
	} >&2
	exit 125
done
[[ -n "$port" ]] || die "could not start the Firestore emulator: the loopback ports it tried were taken"

if ! warm_up "$port"; then
	printf '%s: the emulator on 127.0.0.1:%s did not answer its warm-up requests; going on\n' "$prog" "$port" >&2
fi

export FIRESTORE_EMULATOR_HOST="127.0.0.1:${port}"
export ROLLCALL_TEST_FIRESTORE=required
printf '%s: Firestore emulator ready at %s\n' "$prog" "$FIRESTORE_EMULATOR_HOST" >&2

set +e
"$@"
rc=$?
set -e
exit "$rc"
