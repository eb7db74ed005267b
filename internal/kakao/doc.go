// Package kakao is rollcall's adapter for Kakao i Open Builder: it decodes the
// parameter-validation and block skill payloads, finds the profile plugin's
// one-time (OTP) profile URL in them, refuses any URL whose origin is not
// Kakao's, reads the profile with the REST API key through one shared,
// time-bounded HTTP client, looks the phone number up in the directory, and
// answers in Kakao's response formats.
//
// The REST API key is only ever sent to an origin on the allow-list, and no
// redirect is followed. Nothing here logs a phone number, an OTP URL, a name,
// an email or a key; errors returned by the profile client never contain the
// request URL.
//
// Gin is used by the handlers only; the rest is plain net/http and
// encoding/json, so the verification use case can be tested without it.
package kakao
