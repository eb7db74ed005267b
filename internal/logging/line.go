package logging

import "log/slog"

// RequestLineKey is the key under which the server keeps a request's
// *RequestLine among the request's values (gin's c.Set).
const RequestLineKey = "rollcall.request_line"

// RequestLine is what a request's handlers want said on its one access-log
// line, which the server writes when the request is done: a skill call's
// outcome and reason, a refusal's reason. Handlers add to it from the
// request's own goroutine, and the server reads it after them.
type RequestLine struct {
	Level slog.Level // the highest level added, Info at least
	Attrs []slog.Attr
	buf   [8]slog.Attr // room for a skill call's attributes without another allocation
}

// RequestLineOf returns the request line kept among values (a request's
// gin.Context), or nil, to which adding does nothing, if the server keeps
// none.
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

// Add puts attrs on the line and raises its level to level if that is
// higher: a refusal makes the request's line a warning.
func (l *RequestLine) Add(level slog.Level, attrs ...slog.Attr) {
	if l == nil {
		return
	}
	l.Level = max(l.Level, level)
	l.Attrs = append(l.Attrs, attrs...)
}
