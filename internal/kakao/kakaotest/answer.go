package kakaotest

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"
)

// ServeHTTP answers like Kakao's OTP profile API.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.record {
		s.requests = append(s.requests, Request{
			Method: r.Method, Host: r.Host, Path: r.URL.Path,
			Query: r.URL.Query(), Header: r.Header.Clone(),
		})
	}
	behavior, target, delay := s.behavior, s.redirectTo, s.delay
	s.mu.Unlock()

	if delay > 0 {
		t := time.NewTimer(delay)
		defer t.Stop()
		select {
		case <-t.C:
		case <-r.Context().Done():
			return
		case <-s.stop:
			return
		}
	}
	if r.Method != http.MethodGet {
		kakaoError(w, http.StatusMethodNotAllowed, "method not allowed")
		return
	}
	m := otpPath.FindStringSubmatch(r.URL.Path)
	if m == nil {
		kakaoError(w, http.StatusNotFound, "not found")
		return
	}
	switch behavior {
	case InternalError:
		kakaoError(w, http.StatusInternalServerError, "internal server error")
		return
	case Hang:
		select {
		case <-r.Context().Done():
		case <-s.stop:
		}
		return
	case Garbage:
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<html><body>502 Bad Gateway</body></html>")
		return
	case HugeBody:
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"nickname":"%s","phone_number":"+82 10-1234-5678"}`, strings.Repeat("a", 1<<20))
		return
	case Redirect:
		http.Redirect(w, r, target+"?"+r.URL.RawQuery, http.StatusFound)
		return
	case IPMismatch:
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		writeJSON(w, http.StatusUnauthorized, map[string]any{
			"msg": "ip mismatched! callerIp=" + host + ". check out registered ips.", "code": -401})
		return
	}
	if r.URL.Query().Get("rest_api_key") != s.key {
		kakaoError(w, http.StatusUnauthorized, "wrong appKey(null) or appKey type")
		return
	}

	s.mu.Lock()
	o := s.otps[m[1]]
	expired := o != nil && o.used && !o.reusable
	if o != nil {
		o.used = true
	}
	s.mu.Unlock()
	switch {
	case o == nil:
		kakaoError(w, http.StatusNotFound, "otp not found")
		return
	case expired:
		kakaoError(w, http.StatusBadRequest, "otp expired or already used")
		return
	}

	body := map[string]any{
		"app_user_id":  o.profile.AppUserID,
		"nickname":     nullable(o.profile.Nickname),
		"phone_number": o.profile.PhoneNumber,
		"email":        nullable(o.profile.Email),
	}
	switch behavior {
	case PhoneNull:
		body["phone_number"] = nil
	case PhoneOmitted:
		delete(body, "phone_number")
	}
	writeJSON(w, http.StatusOK, body)
}

// kakaoError writes an error in the shape of Kakao's REST API errors.
func kakaoError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"msg": msg, "code": -status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}
