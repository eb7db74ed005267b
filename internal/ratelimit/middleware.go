package ratelimit

import (
	"log/slog"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/logging"
)

// TooManyRequestsMessage is the "error" of a 429 answer's JSON body.
const TooManyRequestsMessage = "too many requests"

// PerClientIP returns gin middleware that lets each client IP, as
// c.ClientIP() reports it, through at l's rate, and answers the rest with
// Refuse.
//
// c.ClientIP() is only as good as the engine's trusted proxies. On Cloud Run
// every request reaches the container from Google's front end, a link-local
// address (169.254.0.0/16), and the front end puts the address it saw last in
// X-Forwarded-For. With SetTrustedProxies(nil), c.ClientIP() is the front
// end's address for every request, so all clients would share one bucket;
// trust 169.254.0.0/16 and X-Forwarded-For only, and gin reads the last
// entry, which a client cannot forge.
func (l *Limiter) PerClientIP() gin.HandlerFunc {
	return func(c *gin.Context) {
		if ok, wait := l.Allow(c.ClientIP()); !ok {
			Refuse(c, wait)
			return
		}
		c.Next()
	}
}

// ClientLimitedReason is the reason the request's log line gives when
// PerClientIP refuses it.
const ClientLimitedReason = "client_rate_limited"

// Refuse aborts the request with 429 Too Many Requests, a JSON body
// {"error":"too many requests"} and a Retry-After header saying when to try
// again, and makes the request's log line a warning that says why.
func Refuse(c *gin.Context, wait time.Duration) {
	c.Header("Retry-After", RetryAfter(wait))
	c.AbortWithStatusJSON(http.StatusTooManyRequests, gin.H{"error": TooManyRequestsMessage})
	if line, ok := logging.RequestLineOf(c); ok {
		line.Add(slog.LevelWarn, slog.String("reason", ClientLimitedReason))
	}
}

// RetryAfter formats wait as a Retry-After value: whole seconds, rounded up,
// at least 1.
func RetryAfter(wait time.Duration) string {
	secs := math.Ceil(wait.Seconds())
	return strconv.FormatInt(int64(max(secs, 1)), 10)
}
