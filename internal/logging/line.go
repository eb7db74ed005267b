package logging

import "log/slog"

// RequestLineKey keeps a request's *RequestLine among its values (gin's c.Set).
const RequestLineKey = "rollcall.request_line"

// RequestLine is what handlers add to their request's one access-log line
// (one line per request is one write and one query); the server writes it after them.
type RequestLine struct {
	Level slog.Level // the highest level added, Info at least
	Attrs []slog.Attr
	buf   [8]slog.Attr // room for a skill call's attributes without another allocation
}

// RequestLineOf returns the request line kept among values (a gin.Context), or
// nil, to which adding does nothing.
func RequestLineOf(values interface{ Value(key any) any }) *RequestLine {
	line, _ := values.Value(RequestLineKey).(*RequestLine)
	return line
}

// NewRequestLine returns an empty line at level Info.
func NewRequestLine() *RequestLine {
	l := &RequestLine{Level: slog.LevelInfo}
	l.Attrs = l.buf[:0]
	return l
}

// Add puts attrs on the line, raising its level to level: a refusal makes it a warning.
func (l *RequestLine) Add(level slog.Level, attrs ...slog.Attr) {
	if l == nil {
		return
	}
	l.Level = max(l.Level, level)
	l.Attrs = append(l.Attrs, attrs...)
}
