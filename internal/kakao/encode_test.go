package kakao

import (
	"encoding/json"
	"testing"

	"github.com/rollcall/rollcall/internal/directory"
)

// marshalsLike fails unless appendJSON wrote exactly json.Marshal's bytes
// for v.
func marshalsLike(t *testing.T, v any, got []byte) {
	t.Helper()
	want, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Fatalf("appendJSON(%#v)\n got %s\nwant %s", v, got, want)
	}
}

// TestAppendJSONMatchesMarshal covers every answer the handlers give, and
// the shapes the exported types allow beyond them.
func TestAppendJSONMatchesMarshal(t *testing.T) {
	t.Parallel()
	m := DefaultMessages()
	tricky := directory.Employee{Phone: "+821023456789", Name: `<b>"홍" & \ 길동</b>` + "\t\n\x01\u2028\u2029\xff", Department: "R&D", Position: ""}
	outcomes := []Outcome{
		{Kind: OutcomeEmployee, Employee: hong, Reason: ReasonEmployee},
		{Kind: OutcomeEmployee, Employee: tricky, Reason: ReasonEmployee},
		{Kind: OutcomeEmployee, Employee: directory.Employee{Phone: "+821023456789"}},
		{Kind: OutcomeNotEmployee, Reason: ReasonNotInDirectory},
		{Kind: OutcomeUndecided, Reason: ReasonNoOTP},
		{Kind: OutcomeUndecided, Reason: ReasonKakaoTimeout},
	}
	for _, o := range outcomes {
		for _, otp := range []string{exampleOTP, "", "https://x/otp/a/profile?a=1&b=<2>"} {
			v := m.ValidationAnswer(otp, o)
			marshalsLike(t, v, v.appendJSON(nil))
		}
		s := m.SkillAnswer(o)
		marshalsLike(t, s, s.appendJSON(nil))
	}
	for _, v := range []ValidationResponse{{}, {Data: map[string]string{}}, {Data: map[string]string{"z": "1", "a": "2", "": "3"}}} {
		marshalsLike(t, v, v.appendJSON([]byte{}))
	}
	many := map[string]string{}
	for _, k := range []string{"j", "i", "h", "g", "f", "e", "d", "c", "b", "a"} { // more keys than the stack array
		many[k] = k
	}
	for _, s := range []SkillResponse{
		{},
		{Template: SkillTemplate{Outputs: []SkillOutput{}}},
		{Template: SkillTemplate{Outputs: []SkillOutput{{}, {SimpleText: &SimpleText{}}, {SimpleText: &SimpleText{Text: "a"}}}}},
		{Version: "2.0", Data: many},
	} {
		marshalsLike(t, s, s.appendJSON(nil))
	}
}

func FuzzAppendJSON(f *testing.F) {
	f.Add("SUCCESS", exampleOTP, "홍길동", "인사팀", "메시지")
	f.Add("", "", "", "", "")
	f.Add("<>&", "\u2028\u2029", "\x00\x1f\x7f", "\xff\xfe", `"\`)
	f.Fuzz(func(t *testing.T, status, value, k, v, msg string) {
		data := map[string]string{k: v, "name": v, msg: k}
		r := ValidationResponse{Status: status, Value: value, Data: data, Message: msg}
		marshalsLike(t, r, r.appendJSON(nil))
		s := SkillResponse{Version: status, Template: SkillTemplate{Outputs: []SkillOutput{{SimpleText: &SimpleText{Text: msg}}, {}}}, Data: data}
		marshalsLike(t, s, s.appendJSON(nil))
	})
}
