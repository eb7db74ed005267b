package operator

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/gin-gonic/gin"
)

// MetricsPath serves Config.Metrics (Prometheus's text format), when set;
// no other package registers it.
const MetricsPath = "/metrics"

// showMetrics serves the metrics to a scraper on loopback — a Prometheus
// sidecar in the same Cloud Run instance — or to a caller with the sync
// endpoints' credentials: the headcount is not for the public.
func (h *Handler) showMetrics(c *gin.Context) {
	if !fromLoopback(c.Request) {
		if _, ok := h.authorize(c); !ok {
			return
		}
	}
	h.metrics.ServeHTTP(c.Writer, c.Request)
}

// fromLoopback reports whether the connection itself comes from loopback.
// It reads the peer address, never X-Forwarded-For, which a client writes;
// Cloud Run's front end connects from 169.254.0.0/16, not loopback.
func fromLoopback(r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.Unmap().IsLoopback()
}
