package server

import (
	"net/http"
	"runtime/debug"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// withLogger puts the request's logger in its context.
func (s *Server) withLogger(c *gin.Context) {
	c.Request = c.Request.WithContext(logging.WithLogger(c.Request.Context(), s.log))
	c.Next()
}

// accessLog writes one line per request. It logs the route pattern rather
// than the raw path and never the query string, which may carry a secret.
func (s *Server) accessLog(c *gin.Context) {
	start := time.Now()
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(unmatched)"
	}
	s.log.InfoContext(c.Request.Context(), "request",
		"method", c.Request.Method,
		"route", route,
		"status", c.Writer.Status(),
		"latency_ms", float64(time.Since(start).Microseconds())/1000,
	)
}

// recoverPanic turns a panic into a JSON 500 and a log line with the stack,
// never the request body.
func (s *Server) recoverPanic(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(c.Request.Context(), "panic while serving a request",
				"route", c.FullPath(), "stack", string(debug.Stack()))
			c.AbortWithStatusJSON(http.StatusInternalServerError, gin.H{"error": "internal error"})
		}
	}()
	c.Next()
}
