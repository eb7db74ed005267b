// Package payload decodes the skill payloads of Kakao i Open Builder and
// finds the profile plugin's OTP URL in them. It imports only the standard
// library, not gin nor the rest of internal/openbuilder, so that its
// fuzz targets build (with coverage instrumentation, which -fuzz applies to
// every package a test links) in seconds rather than minutes.
package payload
