// Package kakao is rollcall's client of Kakao's REST side: ProfileClient
// (a verify.ProfileFetcher) reads the phone number of the profile behind an
// OTP URL with the REST API key, after checking the URL against the
// allow-list of origins. kakaotest fakes the REST API.
//
// The REST API key is only ever sent to an origin on the allow-list, and no
// redirect is followed. Nothing here logs or returns in an error a phone
// number, an OTP URL or a key.
package kakao
