package firestore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"google.golang.org/api/iterator"

	"github.com/rollcall/rollcall/internal/clocktest"
	"github.com/rollcall/rollcall/internal/roster"
	"github.com/rollcall/rollcall/internal/rostersync"
	"github.com/rollcall/rollcall/internal/storetest"
)

func TestContract(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	storetest.Run(t, func(t *testing.T, clock *clocktest.Clock) storetest.Store {
		s := openTestStore(t)
		s.now = clock.Now
		return s
	}, func(s storetest.Store, at int) {
		if at == 0 {
			s.(*Store).beforeCommit = nil
			return
		}
		s.(*Store).writesPerCommit = writesPerCommit
		cutAt(s.(*Store), at, chunkFails)
	})
}

// rawEmployees reads the employees collection as Firestore holds it:
// document id → fields.
func rawEmployees(t *testing.T, s *Store) map[string]map[string]any {
	t.Helper()
	docs := map[string]map[string]any{}
	it := s.client.Collection(employeesCollection).Documents(t.Context())
	defer it.Stop()
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return docs
		}
		if err != nil {
			t.Fatalf("read employees: %v", err)
		}
		docs[snap.Ref.ID] = snap.Data()
	}
}

// updateTimes returns the update time of every employee document.
func updateTimes(t *testing.T, s *Store) map[string]time.Time {
	t.Helper()
	times := map[string]time.Time{}
	it := s.client.Collection(employeesCollection).Documents(t.Context())
	defer it.Stop()
	for {
		snap, err := it.Next()
		if errors.Is(err, iterator.Done) {
			return times
		}
		if err != nil {
			t.Fatalf("read employees: %v", err)
		}
		times[snap.Ref.ID] = snap.UpdateTime
	}
}

func TestDocumentLayout(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	es := []roster.Employee{
		{Phone: "+821012345678", Name: "홍길동", Department: "인사팀", Position: "과장", Email: "gildong@example.co.kr", Row: 2},
		{Phone: "+821098765432", Row: 9},
	}
	before := time.Now()
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: es}); err != nil {
		t.Fatalf("ApplyPlan: %v", err)
	}

	got := rawEmployees(t, s)
	want := map[string]map[string]any{}
	for _, e := range es {
		want[e.Phone] = map[string]any{
			"name": e.Name, "phone": e.Phone, "department": e.Department, "position": e.Position,
			"email": e.Email, "row": int64(e.Row), "hash": e.Hash(),
		}
	}
	// updated_at is the server's clock: checked for presence and type, then
	// for being about now (the emulator runs on this machine).
	for id, fields := range got {
		at, ok := fields["updated_at"].(time.Time)
		if !ok {
			t.Errorf("document %d of %d: updated_at = %T, want a timestamp", len(got), len(es), fields["updated_at"])
			continue
		}
		if at.Before(before.Add(-time.Minute)) || at.After(time.Now().Add(time.Minute)) {
			t.Errorf("updated_at = %v, want about %v", at, before)
		}
		delete(got[id], "updated_at")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("employees collection (-want +got):\n%s", diff)
	}
}

// rowsSource is a rostersync.Source serving fixed rows.
type rowsSource struct {
	rows [][]string
}

func (r *rowsSource) Rows(context.Context) ([][]string, error) { return r.rows, nil }

func sheet(n int) [][]string {
	rows := [][]string{{"이름", "휴대전화", "부서", "직급", "이메일"}}
	for i := range n {
		rows = append(rows, []string{fmt.Sprintf("직원%d", i), fmt.Sprintf("010-%04d-%04d", 1000+i/10000, i%10000), "개발팀", "사원", ""})
	}
	return rows
}

func TestUnchangedSyncWritesNothing(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	src := &rowsSource{rows: sheet(30)}
	engine := rostersync.NewEngine(src, s, 20)

	if _, err := engine.Run(t.Context(), rostersync.Options{}); err != nil {
		t.Fatalf("first sync: %v", err)
	}
	first := updateTimes(t, s)
	if len(first) != 30 {
		t.Fatalf("first sync stored %d employees, want 30", len(first))
	}

	r, err := engine.Run(t.Context(), rostersync.Options{})
	if err != nil {
		t.Fatalf("unchanged sync: %v", err)
	}
	if r.Unchanged != 30 || r.Added+r.Updated+r.Deleted != 0 {
		t.Errorf("unchanged sync report: added %d, updated %d, deleted %d, unchanged %d; want only 30 unchanged",
			r.Added, r.Updated, r.Deleted, r.Unchanged)
	}
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{}); err != nil {
		t.Fatalf("empty ApplyPlan: %v", err)
	}
	if diff := cmp.Diff(first, updateTimes(t, s)); diff != "" {
		t.Errorf("update times after an unchanged sync and an empty Apply (-before +after):\n%s", diff)
	}

	// The same check does see a write: change one row, and exactly its
	// document is rewritten.
	src.rows[5][2] = "영업팀"
	if _, err := engine.Run(t.Context(), rostersync.Options{}); err != nil {
		t.Fatalf("sync of one change: %v", err)
	}
	changed := 0
	for id, at := range updateTimes(t, s) {
		if !at.Equal(first[id]) {
			changed++
		}
	}
	if changed != 1 {
		t.Errorf("a sync changing one row rewrote %d documents, want 1", changed)
	}
}

func TestRecordRunDocuments(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	started := time.Date(2026, 3, 2, 9, 30, 0, 123456789, time.UTC)
	r := rostersync.Report{Rows: 12, Employees: 10, Added: 4, Updated: 3, Deleted: 2, Unchanged: 1,
		Problems:  []roster.Problem{{Row: 7, Code: roster.ProblemInvalidPhone, Reason: "번호 오류"}},
		StartedAt: started, DurationMS: 2500}
	if err := s.RecordRun(t.Context(), r); err != nil {
		t.Fatalf("RecordRun: %v", err)
	}

	snaps, err := s.client.Collection(runsCollection).Documents(t.Context()).GetAll()
	if err != nil {
		t.Fatalf("read the run documents: %v", err)
	}
	if len(snaps) != 1 {
		t.Fatalf("%s holds %d documents, want 1", runsCollection, len(snaps))
	}
	snap := snaps[0]
	if id, prefix := snap.Ref.ID, "2026-03-02T09:30:00.123456Z-"; !strings.HasPrefix(id, prefix) || len(id) != len(prefix)+8 {
		t.Errorf("run document id = %q, want the start time, a dash and 8 hex digits", id)
	}
	data := snap.Data()
	var got rostersync.Report
	if err := json.Unmarshal([]byte(fmt.Sprint(data["report"])), &got); err != nil {
		t.Fatalf("decode the report field: %v", err)
	}
	if diff := cmp.Diff(r, got); diff != "" {
		t.Errorf("stored report (-want +got):\n%s", diff)
	}
	delete(data, "report")
	if _, ok := data["recorded_at"].(time.Time); !ok {
		t.Errorf("recorded_at = %T, want a timestamp", data["recorded_at"])
	}
	delete(data, "recorded_at")
	want := map[string]any{
		// Firestore keeps microseconds.
		"started_at":  started.Truncate(time.Microsecond),
		"finished_at": started.Add(2500 * time.Millisecond).Truncate(time.Microsecond),
		"duration_ms": int64(2500), "added": int64(4), "updated": int64(3), "deleted": int64(2),
		"refused": false, "dry_run": false, "failed": false,
	}
	if diff := cmp.Diff(want, data, cmpopts.EquateApproxTime(0)); diff != "" {
		t.Errorf("run document (-want +got):\n%s", diff)
	}

	meta, err := s.client.Doc(metaDoc).Get(t.Context())
	if err != nil {
		t.Fatalf("read meta/directory: %v", err)
	}
	if got, want := meta.Data()["last_run"], snap.Ref.ID; got != want {
		t.Errorf("meta/directory last_run = %v, want %v", got, want)
	}
}

func TestDatabasesAreSeparate(t *testing.T) {
	t.Parallel()
	needEmulator(t)
	project := testProjectID(t)
	open := func(database string) *Store {
		s, err := Open(t.Context(), project, database)
		if err != nil {
			t.Fatalf("Open(%q): %v", database, err)
		}
		t.Cleanup(func() {
			if err := s.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return s
	}
	def, other := open(""), open("rollcall-other")
	e := roster.Employee{Phone: "+821012345678", Name: "홍길동", Row: 2}
	if _, err := other.ApplyPlan(t.Context(), rostersync.Plan{Added: []roster.Employee{e}}); err != nil {
		t.Fatalf("ApplyPlan: %v", err)
	}
	if _, ok, err := other.Lookup(t.Context(), e.Phone); err != nil || !ok {
		t.Errorf("Lookup in the database written = (found %v, %v), want found", ok, err)
	}
	if _, ok, err := def.Lookup(t.Context(), e.Phone); err != nil || ok {
		t.Errorf("Lookup in the default database = (found %v, %v), want a miss", ok, err)
	}
}

// TestUnreachable: a store whose server does not answer fails a read
// within the caller's deadline.
func TestUnreachable(t *testing.T) {
	t.Parallel()
	s := openDeadStore(t)
	short, cancelShort := context.WithTimeout(t.Context(), time.Second)
	defer cancelShort()
	if _, err := s.LastSync(short); err == nil {
		t.Error("LastSync of a closed port succeeded, want an error")
	}
}

func TestBadPhones(t *testing.T) {
	t.Parallel()
	// No request is made for any of these: a dead store shows it, since any
	// request would fail.
	s := openDeadStore(t)
	for _, phone := range []string{"", "a/b", "/", ".", "..", "__name__", strings.Repeat("1", 1501), "\xff"} {
		if _, ok, err := s.Lookup(t.Context(), phone); err != nil || ok {
			t.Errorf("Lookup(%q) = (found %v, %v), want a miss", phone, ok, err)
		}
		if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: []roster.Employee{{Phone: phone, Row: 4}}}); !errors.Is(err, errBadPhone) {
			t.Errorf("ApplyPlan(put %q) = %v, want errBadPhone", phone, err)
		}
		if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Deleted: []string{phone}}); !errors.Is(err, errBadPhone) {
			t.Errorf("ApplyPlan(delete %q) = %v, want errBadPhone", phone, err)
		}
	}
}

func TestValidDocID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id   string
		want bool
	}{
		{"+821012345678", true},
		{"+8210", true},
		{"_x_", true},
		{"__", true},
		{"__x", true},
		{strings.Repeat("1", 1500), true},
		{"", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{"__x__", false},
		{"____", false},
		{strings.Repeat("1", 1501), false},
		{"\xff", false},
	}
	for _, tt := range tests {
		if got := validDocID(tt.id); got != tt.want {
			t.Errorf("validDocID(%.20q) = %v, want %v", tt.id, got, tt.want)
		}
	}
}

func TestOpenWithoutProject(t *testing.T) {
	t.Parallel()
	// config refuses it first; the client library refuses it too.
	if _, err := Open(t.Context(), "", ""); err == nil {
		t.Error("Open without a project id succeeded, want an error")
	}
}

func TestApplyDuplicates(t *testing.T) {
	t.Parallel()
	s := openTestStore(t)
	a := roster.Employee{Phone: "+821012345678", Name: "첫째", Row: 2}
	b := roster.Employee{Phone: "+821012345678", Name: "둘째", Row: 3}
	c := roster.Employee{Phone: "+821055556666", Name: "셋째", Row: 4}
	// The store sends one write per document, the last word winning and
	// deletes last, as the bolt store applies them.
	if _, err := s.ApplyPlan(t.Context(), rostersync.Plan{Added: []roster.Employee{a, c, b}, Deleted: []string{c.Phone, c.Phone}}); err != nil {
		t.Fatalf("ApplyPlan: %v", err)
	}
	got, err := s.Hashes(t.Context())
	if err != nil {
		t.Fatalf("Hashes: %v", err)
	}
	if diff := cmp.Diff(map[string]string{b.Phone: b.Hash()}, got); diff != "" {
		t.Errorf("Hashes (-want +got):\n%s", diff)
	}
}

func TestWritesOnePerDocument(t *testing.T) {
	t.Parallel()
	s := openDeadStore(t) // writes makes no request
	es := storetest.People(1200)
	first, last := es[0], es[0]
	last.Name = "마지막"
	puts := append([]roster.Employee{first}, es[1:]...)
	puts = append(puts, last)
	deletes := []string{es[7].Phone, "+821099990000", es[7].Phone}

	ws, _, err := s.writes(puts, deletes)
	if err != nil {
		t.Fatalf("writes: %v", err)
	}
	type result struct {
		name    string
		deleted bool
	}
	got := map[string]result{}
	for _, w := range ws {
		if _, dup := got[w.doc.ID]; dup {
			t.Errorf("two writes to document %d of the batch", len(got))
		}
		f, ok := w.data.(*employeeFields)
		if !ok {
			got[w.doc.ID] = result{deleted: true}
			continue
		}
		if f.Phone != w.doc.ID {
			t.Errorf("document id and phone field differ for sheet row %d", f.Row)
		}
		got[w.doc.ID] = result{name: f.Name}
	}
	want := map[string]result{}
	for _, e := range es {
		want[e.Phone] = result{name: e.Name}
	}
	want[first.Phone] = result{name: last.Name}
	want[es[7].Phone] = result{deleted: true}
	want["+821099990000"] = result{deleted: true}
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(result{})); diff != "" {
		t.Errorf("writes (-want +got):\n%s", diff)
	}
	if len(ws) != len(want) {
		t.Errorf("len(writes) = %d, want %d", len(ws), len(want))
	}
}
