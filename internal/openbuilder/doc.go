// Package openbuilder serves Kakao i Open Builder's skills: the admission
// every skill endpoint shares (route: client limit, skill secret, body cap,
// bot id), the four /kakao/* endpoints, the payloads (decoded with
// encoding/json) and the OTP URL found in them, and the answers in Open
// Builder's format. The verification itself is internal/verify's (which
// reaches Kakao's REST side through internal/kakao); the gate and unbind
// skills (Gates) answer from internal/binding's bindings.
//
// Nothing here logs a phone number, an OTP URL, a name, an email, a key or
// a raw user id.
package openbuilder
