package server

import (
	"cmp"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// withLogger puts the request's logger, tagged with Cloud Trace's ids, in its
// context, so that Cloud Logging groups a request's lines.
func (s *Server) withLogger(c *gin.Context) {
	attrs := traceAttrs(s.o.Project, c.GetHeader("X-Cloud-Trace-Context"))
	if ctx := c.Request.Context(); attrs != nil || logging.FromContext(ctx) != s.o.Logger {
		c.Request = c.Request.WithContext(logging.WithLogger(ctx, s.o.Logger.With(attrs...)))
	}
	c.Next()
}

// traceAttrs reads "TRACE_ID/SPAN_ID;o=OPTIONS" into Cloud Logging's trace
// fields. Without a project the trace cannot be named, and it returns nil.
func traceAttrs(project, header string) []any {
	if project == "" || header == "" {
		return nil
	}
	traceID, rest, _ := strings.Cut(header, "/")
	if len(traceID) != 32 || strings.Trim(traceID, "0123456789abcdefABCDEF") != "" {
		return nil
	}
	attrs := []any{"logging.googleapis.com/trace", "projects/" + project + "/traces/" + traceID}
	spanID, options, _ := strings.Cut(rest, ";")
	if spanID != "" && len(spanID) <= 20 && strings.Trim(spanID, "0123456789") == "" {
		attrs = append(attrs, "logging.googleapis.com/spanId", spanID)
	}
	if options == "o=1" {
		attrs = append(attrs, "logging.googleapis.com/trace_sampled", true)
	}
	return attrs
}

// accessLog writes one line per request, with the route pattern (never the raw
// query, which may carry a secret), at the highest level asked (ERROR for a 5xx).
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	line := logging.NewRequestLine()
	c.Set(logging.RequestLineKey, line)
	c.Next()
	end := time.Now()
	elapsed := end.Sub(start)
	route := cmp.Or(c.FullPath(), "(unmatched)")
	status := c.Writer.Status()
	if s.o.Requests != nil {
		s.o.Requests(c.Request.Method, route, status, elapsed)
	}
	level := line.Level
	if status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	ctx := c.Request.Context()
	log := logging.FromContext(ctx)
	if !log.Enabled(ctx, level) {
		return
	}
	// Typed attributes, and no PC: Logger.LogAttrs would call runtime.Callers
	// for it, which the handler (no AddSource) never reads.
	r := slog.NewRecord(end, level, "request", 0)
	r.AddAttrs(
		slog.String("method", c.Request.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
	)
	r.AddAttrs(line.Attrs...)
	_ = log.Handler().Handle(ctx, r) // as Logger.LogAttrs: a failed write has nowhere to go
}

// recoverPanic answers a panic with a JSON 500 and logs its stack, never the
// body.
func recoverPanic(c *gin.Context, _ any) {
	ctx := c.Request.Context()
	logging.FromContext(ctx).ErrorContext(ctx, "panic while serving a request",
		"route", c.FullPath(), "stack", string(debug.Stack()))
	c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
}

// canonical drops trailing slashes (gin would answer a bodyless redirect, which
// a skill client does not follow) and serves HEAD as GET, so that every answer
// is the route's JSON.
func canonical(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path := r.URL.Path
		slash := len(path) > 1 && strings.HasSuffix(path, "/")
		head := r.Method == http.MethodHead
		if !slash && !head {
			next.ServeHTTP(w, r)
			return
		}
		r2 := r.Clone(r.Context())
		if slash {
			r2.URL.Path, r2.URL.RawPath = "/"+strings.Trim(path, "/"), ""
		}
		if head {
			r2.Method = http.MethodGet
		}
		next.ServeHTTP(w, r2)
	})
}
