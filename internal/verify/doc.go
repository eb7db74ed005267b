// Package verify is the verification use case: from the OTP URL a Kakao user
// shared to whether they are an employee, with a reason code. Its errors are
// safe to log (Redact takes phones, OTP URLs and user ids out); an Outcome is not.
package verify
