// Package openbuilder serves Kakao i Open Builder's skills: the admission
// every skill endpoint shares (route: client limit, skill secret, body cap,
// bot id), the four /kakao/* endpoints and their answers in Open Builder's
// format. The payloads are decoded by the payload package, the verification
// is internal/verify's, and the gate and unbind skills answer from
// internal/binding's bindings.
//
// Nothing here logs a phone number, an OTP URL, a name, an email, a key or
// a raw user id.
package openbuilder
