package openbuilder_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/rollcall/rollcall/internal/binding"
	"github.com/rollcall/rollcall/internal/kakao/kakaotest"
)

// mapStore is a binding store in a map, for the benchmark: the gate of a
// bound user reads it once, then its cache answers.
type mapStore map[string]binding.Binding

func (m mapStore) PutBinding(_ context.Context, key string, b binding.Binding) error {
	m[key] = b
	return nil
}

func (m mapStore) Binding(_ context.Context, key string) (binding.Binding, bool, error) {
	b, ok := m[key]
	return b, ok, nil
}

func (m mapStore) DeleteBinding(_ context.Context, key string) error {
	delete(m, key)
	return nil
}

// BenchmarkGate measures a gate call of a bound user through the gin
// handler and the bindings use case, beside BenchmarkValidate: decode,
// cached binding, directory look-up, answer with the employee context. No
// outbound call.
func BenchmarkGate(b *testing.B) {
	binds := binding.New(mapStore{}, exampleDirectory(), binding.Options{TTL: time.Hour, CacheTTL: time.Hour})
	if err := binds.Bind(context.Background(), exampleUserID, hongEmployee); err != nil {
		b.Fatal(err)
	}
	s := newStack(b, kakaotest.NewServer(b), stackOptions{gates: binds})
	body := readFile(b, "kakao/skill-request.json")
	want := []byte(`"verified":"true"`)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/kakao/gate", bytes.NewReader(body))
		rec := httptest.NewRecorder()
		s.engine.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !bytes.Contains(rec.Body.Bytes(), want) {
			b.Fatalf("got %d %s", rec.Code, rec.Body)
		}
	}
}
