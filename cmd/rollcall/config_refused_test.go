package main

import (
	"fmt"
	"os"
	"strings"
	"testing"
)

// TestBrakeCannotBeTurnedOffByANonNumber: ROLLCALL_MAX_DELETE_PERCENT=NaN
// (or ±Inf, or a number too large for a float) once passed the range check,
// since every comparison with NaN is false, and an emptied sheet then
// deleted everyone with exit 0. Such a value is refused at start-up, naming
// the variable, and the directory is untouched.
func TestBrakeCannotBeTurnedOffByANonNumber(t *testing.T) {
	t.Parallel()
	const n = 50
	e := newTestEnv(t)
	var sheet strings.Builder
	sheet.WriteString("이름,휴대전화\n")
	for i := range n {
		fmt.Fprintf(&sheet, "직원%d,010-2000-%04d\n", i, i)
	}
	if err := os.WriteFile(e.sheet, []byte(sheet.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, r := syncJSON(t, e); code != 0 || r.Added != n {
		t.Fatalf("first sync: exit %d, report %+v; want %d added", code, r, n)
	}
	if err := os.WriteFile(e.sheet, []byte("이름,휴대전화\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, v := range []string{"NaN", "nan", "+Inf", "-Inf", "inf", "1e400", "-1e400", "0x1p2000"} {
		e.vars["ROLLCALL_MAX_DELETE_PERCENT"] = v
		code, out, errOut := e.run(t, "sync", "--json")
		if code != exitUsage || !strings.Contains(errOut, "ROLLCALL_MAX_DELETE_PERCENT") {
			t.Errorf("ROLLCALL_MAX_DELETE_PERCENT=%s: exit %d, stdout %q, stderr %q; want exit %d naming the variable",
				v, code, out, errOut, exitUsage)
		}
	}
	delete(e.vars, "ROLLCALL_MAX_DELETE_PERCENT")
	if code, out, _ := e.run(t, "check", "010-2000-0007"); code != 0 {
		t.Errorf("check after the refused syncs: exit %d %q; want 0, the directory untouched", code, out)
	}
	if code, r := syncJSON(t, e); code != exitRefused || !r.Refused {
		t.Errorf("sync with the default brake: exit %d, report %+v; want refused", code, r)
	}
}

// TestSecretsNoHeaderCarriesAreRefusedAtStartUp: a skill secret or sync
// token with a line break inside (pasted from a file or a chat) could never
// match a request's header, so every skill call would answer 401; serve
// refuses to start instead, naming the variable and not the value.
func TestSecretsNoHeaderCarriesAreRefusedAtStartUp(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"ROLLCALL_SKILL_SECRET", "ROLLCALL_SYNC_TOKEN"} {
		e := newTestEnv(t)
		e.vars[name] = "first-half\nsecond-half"
		code, _, errOut := e.run(t, "serve", "--check-config")
		if code != exitUsage || !strings.Contains(errOut, name) || strings.Contains(errOut, "half") {
			t.Errorf("%s with a line break: exit %d, stderr %q; want exit %d naming the variable, not the value", name, code, errOut, exitUsage)
		}
	}
}
