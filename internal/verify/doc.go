// Package verify is the verification use case: from the one-time profile
// URL (OTP URL) a Kakao user shared, and their user id, to whether they are
// an employee, with a reason code that says why. It declares what it needs
// — a profile fetcher, the directory, a per-user limiter, a binder — and
// imports only the domain; internal/kakao serves it over HTTP and reads
// Kakao's profiles for it.
//
// Nothing it returns carries a phone number, an OTP URL or a user id: its
// errors are safe to log.
package verify
