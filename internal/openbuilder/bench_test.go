package openbuilder_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// BenchmarkValidate measures a whole parameter validation through the gin
// handler: decode, OTP check, one TLS keep-alive request to the fake Kakao,
// directory look-up, answer.
func BenchmarkValidate(b *testing.B) {
	fake := kakaotest.NewServer(b)
	s := newStack(b, fake, stackOptions{})
	body := withOTP(b, "kakao/validation-request.json", fake.IssueReusable(hongProfile(b)))
	want := []byte(`"status":"SUCCESS"`)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/kakao/validate", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		s.engine.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), want) {
			b.Fatalf("got %d %s", rec.Code, rec.Body)
		}
	}
}
