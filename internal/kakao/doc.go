// Package kakao is rollcall's client of Kakao's REST side: the allow-list
// of origins an OTP URL may point at (Origins), and the client that reads
// the phone number of the profile behind an OTP URL with the REST API key
// (ProfileClient, a verify.ProfileFetcher). Open Builder's skill requests
// and answers are internal/openbuilder's; kakaotest fakes the REST API.
//
// The REST API key is only ever sent to an origin on the allow-list, and no
// redirect is followed. Nothing here logs or returns in an error a phone
// number, an OTP URL or a key.
package kakao
