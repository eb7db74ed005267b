package payload

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// The payload types below decode only what rollcall reads, and read it
// liberally: Open Builder's skill-test button lets a builder type numbers,
// booleans and objects as parameter values, live payloads carry objects
// where the documentation shows strings, and Kakao adds fields. What
// rollcall does not read is not decoded at all (user.properties, lang,
// contexts, clientExtra, intent, flow, a parameter's groupName, top-level
// extras), so it may hold any JSON value. Where rollcall reads a value it
// takes the types that can carry what it looks for: an OTP URL only in a
// JSON string (origin) or in a parameter value of any type (paramValue);
// a value of another type is simply not an OTP. The ids (bot.id, user.id)
// and the objects that hold what rollcall reads stay strict: a body where
// they are of another type is not a Kakao payload, and is refused 400.

// ValidationRequest is the part of Open Builder's parameter validation
// request that rollcall reads.
type ValidationRequest struct {
	Bot   bot             `json:"bot"`
	User  user            `json:"user"`
	Value validationValue `json:"value"`
}

// validationValue is the parameter value being validated. For the profile
// plugin, Origin is the OTP URL; some payloads carry the JSON string
// {"otp":"<OTP URL>",...} in Origin or Resolved instead. An origin that is
// not a JSON string (a number typed in a test) reads as "".
type validationValue struct {
	Origin   string     `json:"origin"`
	Resolved paramValue `json:"resolved"`
}

// UnmarshalJSON reads a value object; its origin is read by stringOnly.
func (v *validationValue) UnmarshalJSON(b []byte) error {
	var raw struct {
		Origin   json.RawMessage `json:"origin"`
		Resolved paramValue      `json:"resolved"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*v = validationValue{Origin: stringOnly(raw.Origin), Resolved: raw.Resolved}
	return nil
}

// SkillPayload is the part of Open Builder's block skill payload that
// the verification skill reads.
type SkillPayload struct {
	Bot         bot         `json:"bot"`
	UserRequest userRequest `json:"userRequest"`
	Action      action      `json:"action"`
}

// GatePayload is the part of a block skill payload that the gate and unbind
// skills read: who is asking, from which bot. Their blocks' parameters
// (action) are the builder's business and are not decoded.
type GatePayload struct {
	Bot         bot         `json:"bot"`
	UserRequest userRequest `json:"userRequest"`
}

// userRequest says who is talking to the bot.
type userRequest struct {
	User user `json:"user"`
}

// bot names the chatbot that called the skill.
type bot struct {
	ID string `json:"id"`
}

// user is the person talking to the bot. ID is bot-specific (botUserKey).
type user struct {
	ID string `json:"id"`
}

// action is the skill call's parameters. Params maps a parameter name to its
// value; DetailParams adds the value's origin (what the user or plugin gave).
type action struct {
	Params       map[string]paramValue  `json:"params"`
	DetailParams map[string]detailParam `json:"detailParams"`
}

// detailParam is one entry of action.detailParams. Value is often a JSON
// string to be decoded again. An origin that is not a JSON string (the
// skill-test button's {"origin":23,"value":23}) reads as "", and an entry
// that is not an object as an empty entry: neither carries an OTP.
type detailParam struct {
	Origin string     `json:"origin"`
	Value  paramValue `json:"value"`
}

// UnmarshalJSON reads an entry liberally (see detailParam).
func (d *detailParam) UnmarshalJSON(b []byte) error {
	*d = detailParam{}
	if !isObject(b) {
		return nil
	}
	var raw struct {
		Origin json.RawMessage `json:"origin"`
		Value  paramValue      `json:"value"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*d = detailParam{Origin: stringOnly(raw.Origin), Value: raw.Value}
	return nil
}

// stringOnly returns the text of a JSON string, and "" for any other JSON
// value (a number, a boolean, an object, null, or nothing at all).
func stringOnly(raw json.RawMessage) string {
	var s string
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// isObject reports whether b, a JSON value, is an object.
func isObject(b []byte) bool {
	b = bytes.TrimSpace(b)
	return len(b) > 0 && b[0] == '{'
}

// BotID returns bot.id.
func (r ValidationRequest) BotID() string { return r.Bot.ID }

// UserID returns user.id.
func (r ValidationRequest) UserID() string { return r.User.ID }

// BotID returns bot.id.
func (p SkillPayload) BotID() string { return p.Bot.ID }

// UserID returns userRequest.user.id.
func (p SkillPayload) UserID() string { return p.UserRequest.User.ID }

// BotID returns bot.id.
func (p GatePayload) BotID() string { return p.Bot.ID }

// UserID returns userRequest.user.id.
func (p GatePayload) UserID() string { return p.UserRequest.User.ID }

// paramValue is a parameter value as text. Kakao documents strings, but some
// values arrive as JSON objects or numbers; those are kept as their compact
// JSON text, so a plugin's {"otp":...} reads the same either way. null is the
// empty string.
type paramValue string

// UnmarshalJSON accepts any JSON value.
func (p *paramValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = paramValue(s)
		return nil
	case string(b) == "null":
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	*p = paramValue(buf.String())
	return nil
}

// DecodeError says why a request body is not a Kakao payload. Its message
// never quotes the body, so it may be logged and returned to the caller.
type DecodeError struct {
	msg string
	err error
}

func (e *DecodeError) Error() string { return e.msg }

func (e *DecodeError) Unwrap() error { return e.err }

// Decode reads body, which must be one JSON object, into v; a syntax error
// or a field of the wrong type yields a *DecodeError.
func Decode(body []byte, v any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return &DecodeError{msg: "empty request body"}
	}
	if trimmed[0] != '{' {
		return &DecodeError{msg: "request body is not a JSON object"}
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &DecodeError{msg: fmt.Sprintf("malformed JSON at byte %d", syntax.Offset), err: err}
	case errors.As(err, &typ) && typ.Field != "":
		return &DecodeError{msg: fmt.Sprintf("field %q has the wrong type (got %s)", typ.Field, typ.Value), err: err}
	case errors.As(err, &typ):
		return &DecodeError{msg: fmt.Sprintf("a field has the wrong type (got %s)", typ.Value), err: err}
	}
	return &DecodeError{msg: "request body does not match the Kakao payload", err: err}
}
