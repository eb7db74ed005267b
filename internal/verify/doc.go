// Package verify is the verification use case: from the one-time profile
// URL (OTP URL) a Kakao user shared, and their user id, to whether they are
// an employee, with a reason code that says why. It declares what it needs
// (a profile fetcher, the directory, a per-user limiter, a binder) and
// imports only the domain.
//
// Its errors carry no phone number, OTP URL or user id (Redact takes them
// out), so they are safe to log. An Outcome is not: an employee's carries
// their record, for the answer only.
package verify
