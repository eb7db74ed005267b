// Package kakao is rollcall's client of Kakao's REST side: ProfileClient reads
// the phone number behind an OTP URL, sending the key only to an allowed
// origin and following no redirect; no error carries the URL or the key.
package kakao
