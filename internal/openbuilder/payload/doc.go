// Package payload decodes the skill payloads of Kakao i Open Builder and
// finds the profile plugin's OTP URL in them. It imports only the standard
// library, so that its fuzz targets build fast (scripts/fuzz.sh says why).
package payload
