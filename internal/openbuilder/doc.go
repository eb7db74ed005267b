// Package openbuilder serves Kakao i Open Builder's skills: the admission
// every /kakao/* endpoint shares, the four endpoints and their answers. Nothing
// here logs a phone number, an OTP URL, a name, an email, a key or a raw user id.
package openbuilder
