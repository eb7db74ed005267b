#!/usr/bin/env bash
# make lint: every check of the code that is not a test.
#
#   scripts/lint.sh           tracked files, gofmt, go vet, staticcheck and
#                             golangci-lint (.golangci.yml)
#   scripts/lint.sh --quick   tracked files and gofmt only: the checks that
#                             cost seconds on a fresh machine (scripts/test.sh
#                             runs these, and every go vet analyzer through
#                             go test -vet=all)
#
# staticcheck and golangci-lint are pinned and installed from the Go module
# proxy on first use, then kept in the user's cache per version and Go
# release. Building them from source takes minutes on a fresh machine, which
# is why make test leaves them to make lint.
set -euo pipefail
cd "$(dirname "$0")/.."

quick=false
case "${1:-}" in
--quick) quick=true ;;
"") ;;
*)
	echo "usage: scripts/lint.sh [--quick]" >&2
	exit 2
	;;
esac

# staticcheck 0.8 (2026.x) and golangci-lint 2.15 build with and understand
# the Go of go.mod (1.26).
readonly STATICCHECK_VERSION=v0.8.2
readonly GOLANGCI_LINT_VERSION=v2.15.0

# A tracked file may be neither large nor a program: a committed build
# output bloats every clone for good (a 53 MB binary once did).
readonly MAX_TRACKED_BYTES=$((1024 * 1024))

tools="${XDG_CACHE_HOME:-$HOME/.cache}/rollcall-lint/$(go env GOVERSION)"

# tool NAME MODULE-PATH VERSION: prints the path of NAME, go-installing it
# first if this version is not in the cache yet.
tool() {
	local dir="${tools}/$1-$3"
	if [[ ! -x "${dir}/$1" ]]; then
		echo "lint: installing $2@$3 from the Go module proxy" >&2
		GOBIN="$dir" GOFLAGS=-mod=mod go install "$2@$3" >&2
	fi
	printf '%s' "${dir}/$1"
}

# check_tracked_files fails naming every tracked file over MAX_TRACKED_BYTES
# or that is an executable image: ELF, Mach-O (thin or universal) or PE (MZ
# with the PE signature where the DOS header points). It reads the magic
# numbers itself, in one perl (Debian's perl-base is always there): `file`
# is not on every machine.
check_tracked_files() {
	git ls-files -z | MAX="$MAX_TRACKED_BYTES" perl -0 -ne '
		chomp; my $f = $_;
		next if -l $f || !-f $f; # a symlink, or deleted in the worktree
		my $size = -s $f;
		if ($size > $ENV{MAX}) {
			print STDERR "lint: $f is tracked and $size bytes, over 1 MiB: git rm --cached it (build outputs and stores belong in .gitignore)\n";
			$bad = 1;
		}
		open(my $h, "<:raw", $f) or die "lint: $f: $!\n";
		read($h, my $head, 64);
		my $magic = unpack("H8", $head);
		my $kind = $magic eq "7f454c46" ? "ELF"
			: $magic =~ /^(feedface|feedfacf|cefaedfe|cffaedfe)$/ ? "Mach-O"
			: $magic =~ /^(cafebabe|bebafeca)$/ ? "Mach-O universal (or Java class)"
			: "";
		if (!$kind && substr($head, 0, 2) eq "MZ" && length($head) == 64) {
			my ($at, $sig) = (unpack("V", substr($head, 60, 4)), "");
			$kind = "PE" if seek($h, $at, 0) && read($h, $sig, 4) == 4 && $sig eq "PE\0\0";
		}
		close $h;
		if ($kind) {
			print STDERR "lint: $f is tracked and is an executable image ($kind): git rm --cached it and ignore it in .gitignore\n";
			$bad = 1;
		}
		END { exit($bad ? 1 : $?) }
	'
}

check_tracked_files

unformatted=$(gofmt -l cmd internal bench deploy examples)
if [[ -n "$unformatted" ]]; then
	echo "lint: these files need gofmt -w:" >&2
	echo "$unformatted" >&2
	exit 1
fi
if $quick; then
	echo "lint: quick checks ok"
	exit 0
fi

go vet ./...
"$(tool staticcheck honnef.co/go/tools/cmd/staticcheck "$STATICCHECK_VERSION")" ./...
"$(tool golangci-lint github.com/golangci/golangci-lint/v2/cmd/golangci-lint "$GOLANGCI_LINT_VERSION")" run ./...
echo "lint: ok"
