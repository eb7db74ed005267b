package logging

import "log/slog"

// RequestLineKey keeps a request's *RequestLine among its values (gin's c.Set).
const RequestLineKey = "rollcall.request_line"

// RequestLine is what handlers add to their request's one access-log line
// (one line per request is one write and one query); the server writes it after them.
type RequestLine struct {
	level slog.Level
	attrs []slog.Attr
	buf   [8]slog.Attr // room for a skill call's attributes without another allocation
}

// RequestLineOf returns the request line kept among values (a gin.Context), if any.
func RequestLineOf(values interface{ Value(key any) any }) (*RequestLine, bool) {
	line, ok := values.Value(RequestLineKey).(*RequestLine)
	return line, ok
}

// NewRequestLine returns an empty line at level Info.
func NewRequestLine() *RequestLine {
	l := &RequestLine{level: slog.LevelInfo}
	l.attrs = l.buf[:0]
	return l
}

// Add puts attrs on the line, raising its level to level: a refusal makes it a warning.
func (l *RequestLine) Add(level slog.Level, attrs ...slog.Attr) {
	l.level = max(l.level, level)
	l.attrs = append(l.attrs, attrs...)
}

// Level is the highest level added, Info at least.
func (l *RequestLine) Level() slog.Level { return l.level }

// Attrs are the attributes added, in order. The slice is the line's own.
func (l *RequestLine) Attrs() []slog.Attr { return l.attrs }
