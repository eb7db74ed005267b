// Package server wires rollcall's HTTP service: the gin engine, its
// middleware, the probes, JSON answers for unknown paths and a graceful shutdown.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// Readiness tells when the directory was last synced (zero if never), or an
// error if the store cannot be reached.
type Readiness interface {
	LastSync(ctx context.Context) (time.Time, error)
}

// Staleness is implemented by a Readiness that answers from memory when the
// store is down: /ready stays 200, Stale saying why it may be out of date.
type Staleness interface {
	Stale() string
}

// Routes is a group of endpoints that registers itself on the engine.
type Routes interface {
	Register(r gin.IRoutes)
}

// Options are the server's dependencies.
type Options struct {
	Logger *slog.Logger
	// Project is the Google Cloud project, to name traces in logs; "" omits them.
	Project string
	Ready   Readiness
	// Routes are mounted at the root, in order.
	Routes []Routes
	// Requests, when set, is told of every request served; route is the route
	// pattern, never the raw path.
	Requests func(method, route string, status int, elapsed time.Duration)
}

// Server is rollcall's HTTP service, built and then started separately so
// that tests can serve it on any listener.
type Server struct {
	o       Options
	handler http.Handler // the gin engine behind canonical
}

// New builds the service.
func New(o Options) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{o: o}
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false // canonical serves the route itself
	e.ContextWithFallback = true    // c.Request.Context() values reach handlers through c
	// Cloud Run's front end (a link-local address) appends the client's address
	// to X-Forwarded-For; gin reads it from the right up to the first untrusted
	// address, so that entry is c.ClientIP(). Nothing else is trusted.
	e.RemoteIPHeaders = []string{"X-Forwarded-For"}
	if err := e.SetTrustedProxies([]string{"169.254.0.0/16"}); err != nil {
		panic(err) // a constant CIDR; a failure is a bug
	}
	e.Use(s.withLogger, s.accessLog, gin.CustomRecoveryWithWriter(nil, recoverPanic))
	e.NoRoute(func(c *gin.Context) { c.JSON(http.StatusNotFound, gin.H{"error": "not found"}) })
	e.NoMethod(func(c *gin.Context) { c.JSON(http.StatusMethodNotAllowed, gin.H{"error": "method not allowed"}) })
	e.GET("/health", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	e.GET("/ready", s.readiness)
	for _, r := range o.Routes {
		r.Register(e)
	}
	s.handler = canonical(e)
	return s
}

// Handler returns the service as an http.Handler.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve answers on ln until ctx is done, then lets in-flight requests finish
// within Cloud Run's grace period; it returns nil after a clean stop.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{ // a skill call has 5 s from Kakao
		Handler:           s.handler,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      15 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.o.Logger.Handler(), slog.LevelWarn),
		// With the logger in it, withLogger copies only a request with a trace.
		BaseContext: func(net.Listener) context.Context { return logging.WithLogger(context.WithoutCancel(ctx), s.o.Logger) },
	}
	served := make(chan error, 1)
	go func() { served <- hs.Serve(ln) }()
	s.o.Logger.Info("listening", "addr", ln.Addr().String())

	select {
	case err := <-served:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.o.Logger.Info("shutting down: draining in-flight requests")
	// Cloud Run gives a stopping instance 10 s after SIGTERM.
	drain, cancel := context.WithTimeout(context.WithoutCancel(ctx), 8*time.Second)
	defer cancel()
	if err := hs.Shutdown(drain); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	s.o.Logger.Info("stopped")
	return nil
}

func (s *Server) readiness(c *gin.Context) {
	ctx, cancel := context.WithTimeout(c.Request.Context(), 2*time.Second)
	defer cancel()
	last, err := s.o.Ready.LastSync(ctx)
	switch {
	case err != nil:
		s.o.Logger.WarnContext(ctx, "not ready: store unreachable", "error", err.Error())
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "the directory store cannot be reached"})
	case last.IsZero():
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "unavailable", "reason": "the directory has never been synced"})
	default:
		body := gin.H{"status": "ready", "last_sync": last.UTC().Format(time.RFC3339)}
		if st, ok := s.o.Ready.(Staleness); ok {
			// The directory logs its own changes of state: a probe every few
			// seconds must not repeat them.
			body["directory"] = "current"
			if reason := st.Stale(); reason != "" {
				body["directory"], body["reason"] = "stale", reason
			}
		}
		c.JSON(http.StatusOK, body)
	}
}
