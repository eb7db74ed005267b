package logging

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
)

func TestJSONUsesCloudLoggingFields(t *testing.T) {
	t.Parallel()
	tests := []struct {
		log  func(*slog.Logger)
		want string
	}{
		{func(l *slog.Logger) { l.Debug("d") }, "DEBUG"},
		{func(l *slog.Logger) { l.Info("i") }, "INFO"},
		{func(l *slog.Logger) { l.Warn("w") }, "WARNING"},
		{func(l *slog.Logger) { l.Error("e") }, "ERROR"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		tt.log(New(&buf, FormatJSON, slog.LevelDebug))
		var entry map[string]any
		if err := json.Unmarshal(buf.Bytes(), &entry); err != nil {
			t.Fatalf("%q: %v", buf.String(), err)
		}
		if entry["severity"] != tt.want || entry["message"] == nil || entry["level"] != nil || entry["msg"] != nil {
			t.Errorf("entry = %v, want severity %s and message, without level/msg", entry, tt.want)
		}
	}
}

func TestLevelFilters(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	l := New(&buf, FormatText, slog.LevelWarn)
	l.Info("hidden")
	l.Warn("shown", "rows", 3)
	if got := buf.String(); strings.Contains(got, "hidden") || !strings.Contains(got, "shown") || !strings.Contains(got, "rows=3") {
		t.Errorf("text log = %q, want only the warning, readable", got)
	}
}

func TestContextCarriesLogger(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	ctx := WithLogger(context.Background(), New(&buf, FormatJSON, slog.LevelInfo))
	FromContext(ctx).Info("hello")
	if !strings.Contains(buf.String(), "hello") {
		t.Errorf("logger from context did not write: %q", buf.String())
	}
	FromContext(context.Background()).Info("to nowhere") // must not panic
}
