package metrics

import "time"

// ObserveVerification counts one answered skill verification; it makes
// *Metrics a kakao.VerificationObserver. endpoint is validate or skill,
// outcome employee, not_employee or undecided, reason a reason code.
func (m *Metrics) ObserveVerification(endpoint, outcome, reason string, elapsed time.Duration) {
	endpoint = oneOf(endpoint, "validate", "skill")
	outcome = oneOf(outcome, "employee", "not_employee", "undecided")
	m.verifications.WithLabelValues(endpoint, outcome, code(reason)).Inc()
	m.verificationSeconds.WithLabelValues(endpoint, outcome).Observe(elapsed.Seconds())
}

// ObserveProfileFetch counts one request to Kakao's profile API; it makes
// *Metrics a kakao.ProfileObserver. result is "ok" or the failure's reason
// code, status Kakao's HTTP status (0 when no answer arrived).
func (m *Metrics) ObserveProfileFetch(result string, status int, elapsed time.Duration) {
	result = code(result)
	m.profileSeconds.WithLabelValues(result).Observe(elapsed.Seconds())
	if result != "ok" {
		m.profileErrors.WithLabelValues(result, statusClass(status)).Inc()
	}
}
