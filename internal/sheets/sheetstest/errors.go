package sheetstest

import (
	"encoding/json"
	"net/http"
)

// Error is an error answer in Google's shape:
// {"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND"}}.
type Error struct {
	// Code is the HTTP status.
	Code int
	// Message is the human-readable text.
	Message string
	// Status is the canonical gRPC status name, such as "PERMISSION_DENIED".
	Status string
	// Details, when set, are the error's details objects, such as a
	// google.rpc.ErrorInfo: {"@type": "...", "reason": "SERVICE_DISABLED"}.
	Details []map[string]any
}

// StatusError is the error the real API answers with a given HTTP status,
// with its usual message.
func StatusError(code int) Error {
	switch code {
	case http.StatusBadRequest:
		return Error{Code: code, Status: "INVALID_ARGUMENT", Message: "Request contains an invalid argument."}
	case http.StatusUnauthorized:
		return Error{Code: code, Status: "UNAUTHENTICATED", Message: "Request had invalid authentication credentials. " +
			"Expected OAuth 2 access token, login cookie or other valid authentication credential."}
	case http.StatusForbidden:
		return Error{Code: code, Status: "PERMISSION_DENIED", Message: "The caller does not have permission"}
	case http.StatusNotFound:
		return Error{Code: code, Status: "NOT_FOUND", Message: "Requested entity was not found."}
	case http.StatusTooManyRequests:
		return Error{Code: code, Status: "RESOURCE_EXHAUSTED", Message: "Quota exceeded for quota metric 'Read requests' " +
			"and limit 'Read requests per minute per user' of service 'sheets.googleapis.com'."}
	case http.StatusInternalServerError:
		return Error{Code: code, Status: "INTERNAL", Message: "Internal error encountered."}
	case http.StatusServiceUnavailable:
		return Error{Code: code, Status: "UNAVAILABLE", Message: "The service is currently unavailable."}
	case http.StatusGatewayTimeout:
		return Error{Code: code, Status: "DEADLINE_EXCEEDED", Message: "The request timed out. Please try again."}
	default:
		return Error{Code: code, Status: "UNKNOWN", Message: http.StatusText(code)}
	}
}

// write sends e as Google's error body.
func (e Error) write(w http.ResponseWriter) {
	body := map[string]any{"code": e.Code, "message": e.Message, "status": e.Status}
	if len(e.Details) > 0 {
		body["details"] = e.Details
	}
	writeJSON(w, e.Code, map[string]any{"error": body})
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		code = http.StatusInternalServerError
		b = []byte(`{"error":{"code":500,"message":"Internal error encountered.","status":"INTERNAL"}}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// ServiceDisabled is Google's answer when the Sheets API is not enabled in
// the Google Cloud project of the caller's credentials (project is its
// number): 403 PERMISSION_DENIED with a google.rpc.ErrorInfo whose reason
// is SERVICE_DISABLED, and a google.rpc.Help link to enable it.
func ServiceDisabled(project string) Error {
	url := "https://console.developers.google.com/apis/api/sheets.googleapis.com/overview?project=" + project
	return Error{
		Code:   http.StatusForbidden,
		Status: "PERMISSION_DENIED",
		Message: "Google Sheets API has not been used in project " + project + " before or it is disabled. " +
			"Enable it by visiting " + url + " then retry. If you enabled this API recently, " +
			"wait a few minutes for the action to propagate to our systems and retry.",
		Details: []map[string]any{
			{
				"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
				"reason": "SERVICE_DISABLED",
				"domain": "googleapis.com",
				"metadata": map[string]any{
					"consumer":      "projects/" + project,
					"service":       "sheets.googleapis.com",
					"activationUrl": url,
					"containerInfo": project,
					"serviceTitle":  "Google Sheets API",
				},
			},
			{
				"@type":  "type.googleapis.com/google.rpc.LocalizedMessage",
				"locale": "en-US",
				"message": "Google Sheets API has not been used in project " + project + " before or it is disabled. " +
					"Enable it by visiting " + url + " then retry. If you enabled this API recently, " +
					"wait a few minutes for the action to propagate to our systems and retry.",
			},
			{
				"@type": "type.googleapis.com/google.rpc.Help",
				"links": []map[string]any{{"description": "Google developers console API activation", "url": url}},
			},
		},
	}
}

// QuotaExceeded is Google's answer when the per-minute read quota is used
// up: 429 RESOURCE_EXHAUSTED with a google.rpc.ErrorInfo whose reason is
// RATE_LIMIT_EXCEEDED (project is the caller's project number).
func QuotaExceeded(project string) Error {
	e := StatusError(http.StatusTooManyRequests)
	e.Message = "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' " +
		"of service 'sheets.googleapis.com' for consumer 'project_number:" + project + "'."
	e.Details = []map[string]any{
		{
			"@type":  "type.googleapis.com/google.rpc.ErrorInfo",
			"reason": "RATE_LIMIT_EXCEEDED",
			"domain": "googleapis.com",
			"metadata": map[string]any{
				"consumer":          "projects/" + project,
				"quota_limit":       "ReadRequestsPerMinutePerUser",
				"quota_limit_value": "60",
				"quota_location":    "global",
				"quota_metric":      "sheets.googleapis.com/read_requests",
				"service":           "sheets.googleapis.com",
			},
		},
		{
			"@type": "type.googleapis.com/google.rpc.Help",
			"links": []map[string]any{{"description": "Request a higher quota limit.",
				"url": "https://cloud.google.com/docs/quotas/help/request_increase"}},
		},
	}
	return e
}

// FailAlways makes every request fail with e until FailAlways is called
// with a zero Error; the failures queued by FailNext come first.
func (s *Server) FailAlways(e Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.always = e
}
