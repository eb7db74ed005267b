package operator

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/rollcall/rollcall/internal/doctor"
)

// DoctorPath runs `rollcall doctor`'s checks with the service's own
// identity: on Cloud Run only the service can tell whether *it* may read
// the sheet.
const DoctorPath = "/internal/doctor"

// Doctor runs the set-up checks; the server wiring builds it from the
// service's own source, store and configuration.
type Doctor func(ctx context.Context) doctor.Result

// WithDoctor serves GET DoctorPath with d, to the sync's callers.
func WithDoctor(d Doctor) Option {
	return func(o *options) { o.doctor = d }
}

// showDoctor answers the checks as `rollcall doctor --json` prints them:
// 200 whatever they found, since the answer is the diagnosis.
func (h *Handler) showDoctor(c *gin.Context) {
	if _, ok := h.authorize(c); !ok {
		return
	}
	c.JSON(http.StatusOK, h.doctor(c.Request.Context()))
}
