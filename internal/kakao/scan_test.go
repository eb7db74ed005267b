package kakao

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scanSeeds are payloads the shortcut must take, and ones it must leave to
// encoding/json, or that encoding/json refuses.
var scanSeeds = []string{
	`{}`, ` {"bot":null,"user":null,"value":null} `,
	`{"value":{"origin":"https://talk-plugin-capi.kakao.com/otp/a/profile","resolved":"x"}}`,
	`{"value":{"resolved":12.5e3},"user":{"id":"u","properties":{"a":[1,{"b":null}]}}}`,
	`{"value":{"resolved":{"otp":"x"}}}`, `{"value":{"resolved":true}}`,
	`{"Value":{"origin":"x"}}`, `{"value":{"ORIGIN":"x"}}`, `{"bot":{"iD":"b"}}`,
	`{"val\u0075e":{"origin":"x"}}`, `{"bot":{"id":"a"},"bot":{"id":"b"}}`,
	`{"value":{"origin":"a"},"value":{"resolved":"b"}}`, `{"value":{"origin":"x","origin":"y"}}`,
	`{"value":{"origin":42}}`, `{"value":42}`, `{"user":{"id":7}}`, `{"bot":[]}`,
	`{"value":{"origin":"a\"b\u00e9\ud83d\ude00"}}`, "{\"value\":{\"origin\":\"\xff\xfe\"}}",
	"{\"value\":{\"origin\":\"a\tb\"}}", "{\"value\":{\"origin\":\"a\x1fb\"}}", "{\"x\":\"\x1f\"}", `{"a":01}`, `{"a":-}`, `{"a":1.}`, `{"a":.5}`, `{"a":1e+}`,
	`{"a":nul}`, `{"a":truex}`, `{"a":[1,]}`, `{"a":{,}}`, `{"a":1,}`, `{"a" 1}`, `{"a":1}x`, `{"a":1}{}`,
	`{"a":"\x"}`, `{"a":"\u12"}`, `{"a":"unterminated}`, "\ufeff{}", `[]`, `null`, ``, `{`,
	`{"K":1,"ſ":2,"bot":{"id":"x"}}`, `{"\u212aey":1}`, `{"a":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}`,
}

// FuzzScanValidationCall: whatever the shortcut reads, encoding/json reads
// the same way; what it leaves, encoding/json decides.
func FuzzScanValidationCall(f *testing.F) {
	for _, name := range []string{"kakao/validation-request.json", "requests/validation-origin-json.json",
		"requests/validation-resolved-only.json", "requests/validation-no-otp.json", "kakao/skill-request.json"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range scanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := scanValidationCall(body)
		if !ok {
			return
		}
		want, err := decodeValidationCallJSON(body)
		if err != nil {
			t.Fatalf("the shortcut read %+v; encoding/json refuses the body: %v", got, err)
		}
		if got.Bot.ID != want.Bot.ID || got.User.ID != want.User.ID || got.Value != want.Value {
			t.Fatalf("the shortcut read %+v; encoding/json reads %+v", got, want)
		}
	})
}

// FuzzScanSkillCall: the same for the block skill's payload.
func FuzzScanSkillCall(f *testing.F) {
	for _, name := range []string{"kakao/skill-request.json", "requests/skill-params-only.json",
		"requests/skill-detail-value-object.json", "requests/skill-no-otp.json", "kakao/validation-request.json"} {
		f.Add(readTestdata(f, name))
	}
	for _, s := range append(scanSeeds,
		`{"action":{"params":null,"detailParams":{}}}`, `{"action":{"params":{"a":"1","a":"2","b":null,"c":3}}}`,
		`{"action":{"detailParams":{"p":null,"q":{"origin":"o","value":"v","groupName":"g"},"p":{"value":1}}}}`,
		`{"action":{"params":{"\u0041":"x","\ud800":"y"}}}`, `{"action":{"params":{"a":{"otp":"x"}}}}`,
		`{"action":{"params":[]}}`, `{"action":{"detailParams":{"p":{"Origin":"x"}}}}`,
		`{"userRequest":{"user":{"id":"u"},"User":{}}}`, `{"userRequest":{"user":null}}`, `{"action":null}`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := scanSkillCall(body)
		if !ok {
			return
		}
		want, err := decodeSkillCallJSON(body)
		if err != nil {
			t.Fatalf("the shortcut read %+v; encoding/json refuses the body: %v", got, err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("the shortcut reads differently from encoding/json (-json +shortcut):\n%s", diff)
		}
	})
}

// FuzzScanProfile: the same for Kakao's profile answer.
func FuzzScanProfile(f *testing.F) {
	f.Add(readTestdata(f, "kakao/otp-profile-response.json"))
	for _, s := range append(scanSeeds,
		`{"app_user_id":3001234567,"phone_number":"+82 10-2345-6789"}`, `{"app_user_id":"x","phone_number":null}`,
		`{"app_user_id":null}`, `{"app_user_id":{"a":1},"phone_number":"1"}`, `{"phone_number":821023456789}`,
		`{"Phone_Number":"+82 10-2345-6789"}`, `{"phone_number":"a","phone_number":"b"}`) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		got, ok := scanProfile(body)
		if !ok {
			return
		}
		var want profileJSON
		if err := json.Unmarshal(body, &want); err != nil {
			t.Fatalf("the shortcut read %+v; encoding/json refuses the body: %v", got, err)
		}
		if got != want {
			t.Fatalf("the shortcut read %+v; encoding/json reads %+v", got, want)
		}
	})
}

// TestScanTakesTheUsualDocuments: the shortcut is not dead code — it reads
// Open Builder's and Kakao's documented examples itself — and it leaves the
// unusual ones to encoding/json.
func TestScanTakesTheUsualDocuments(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"kakao/validation-request.json", "requests/validation-origin-json.json",
		"requests/validation-no-otp.json"} {
		if _, ok := scanValidationCall(readTestdata(t, name)); !ok {
			t.Errorf("%s: the shortcut left it to encoding/json", name)
		}
	}
	for _, name := range []string{"kakao/skill-request.json", "requests/skill-params-only.json", "requests/skill-no-otp.json"} {
		if _, ok := scanSkillCall(readTestdata(t, name)); !ok {
			t.Errorf("%s: the shortcut left it to encoding/json", name)
		}
	}
	if _, ok := scanSkillCall(readTestdata(t, "requests/skill-detail-value-object.json")); ok {
		t.Error("skill-detail-value-object.json: the shortcut read a value that is an object")
	}
	if _, ok := scanProfile(readTestdata(t, "kakao/otp-profile-response.json")); !ok {
		t.Error("otp-profile-response.json: the shortcut left it to encoding/json")
	}
	for _, s := range []string{
		string(readTestdata(t, "requests/validation-resolved-only.json")), // resolved as an object
		`{"Value":{"origin":"x"}}`, `{"val\u0075e":{"origin":"x"}}`, `{"value":{"origin":"a","origin":"b"}}`,
		`{"value":{"origin":42}}`, `{"value":{"resolved":{"otp":"x"}}}`, `{"a":01}`, `{"a":1}x`,
	} {
		if got, ok := scanValidationCall([]byte(s)); ok {
			t.Errorf("%s: the shortcut read %+v, want it to leave the body to encoding/json", s, got)
		}
	}
}

// BenchmarkSkillCall compares the shortcut with encoding/json on Open
// Builder's example block skill payload.
func BenchmarkSkillCall(b *testing.B) {
	body := readTestdata(b, "kakao/skill-request.json")
	b.Run("shortcut", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := scanSkillCall(body); !ok {
				b.Fatal("left to encoding/json")
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeSkillCallJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkValidationCall compares the shortcut with encoding/json on Open
// Builder's example request.
func BenchmarkValidationCall(b *testing.B) {
	body := readTestdata(b, "kakao/validation-request.json")
	b.Run("shortcut", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := scanValidationCall(body); !ok {
				b.Fatal("left to encoding/json")
			}
		}
	})
	b.Run("encoding_json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := decodeValidationCallJSON(body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
