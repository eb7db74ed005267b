// Package payload decodes the skill payloads of Kakao i Open Builder and
// finds the profile plugin's OTP URL in them. It decodes only what rollcall
// reads, and liberally: the skill-test button sends numbers, booleans and
// objects as parameter values, live payloads carry objects where the
// documentation shows strings, and Kakao adds fields. A value of another
// type than rollcall looks for is simply not an OTP. The ids and the objects
// holding what rollcall reads stay strict: otherwise the body is not
// Kakao's (400). It imports only the standard library, so that its fuzz
// targets build fast (scripts/fuzz.sh says why).
package payload
