// Package logging builds rollcall's slog loggers (Cloud Logging's JSON, or
// text) and carries them in a context. Nothing here filters PII: never log it.
package logging

import (
	"context"
	"io"
	"log/slog"
)

// Format is how log lines are written.
type Format string

// The log formats rollcall supports.
const (
	FormatJSON Format = "json"
	FormatText Format = "text"
)

// New returns a logger writing to w; JSON has Cloud Logging's "severity" and "message".
func New(w io.Writer, format Format, level slog.Level) *slog.Logger {
	opts := &slog.HandlerOptions{Level: level}
	if format == FormatText {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	opts.ReplaceAttr = cloudLoggingAttr
	return slog.New(slog.NewJSONHandler(w, opts))
}

// cloudLoggingAttr renames slog's keys and levels to Cloud Logging's.
func cloudLoggingAttr(groups []string, a slog.Attr) slog.Attr {
	if len(groups) > 0 {
		return a
	}
	switch a.Key {
	case slog.MessageKey:
		a.Key = "message"
	case slog.LevelKey:
		a.Key = "severity"
		a.Value = slog.StringValue(severity(a.Value.Any().(slog.Level)))
	}
	return a
}

func severity(l slog.Level) string {
	switch {
	case l >= slog.LevelError:
		return "ERROR"
	case l >= slog.LevelWarn:
		return "WARNING"
	case l >= slog.LevelInfo:
		return "INFO"
	default:
		return "DEBUG"
	}
}

type ctxKey struct{}

// WithLogger returns a context that carries l.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, ctxKey{}, l)
}

// FromContext returns the logger ctx carries, or one that discards everything: never nil.
func FromContext(ctx context.Context) *slog.Logger {
	if l, ok := ctx.Value(ctxKey{}).(*slog.Logger); ok {
		return l
	}
	return slog.New(slog.DiscardHandler)
}
