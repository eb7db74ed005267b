// Package kakao is rollcall's adapter for Kakao: Open Builder's skill
// requests and answers (decoded and written with encoding/json, served with
// gin), the OTP URL found in them, the allow-list of origins an OTP URL may
// point at, and the client that reads a profile's phone number from Kakao
// with the REST API key. The verification itself is internal/verify's; the
// gate and unbind skills (Gates) answer from internal/binding's bindings.
//
// The REST API key is only ever sent to an origin on the allow-list, and no
// redirect is followed. Nothing here logs a phone number, an OTP URL, a name,
// an email or a key.
package openbuilder
