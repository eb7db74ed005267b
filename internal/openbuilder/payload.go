package openbuilder

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// validationRequest is the part of Open Builder's parameter validation
// request that rollcall reads. Other fields are not decoded, so a variant
// payload whose other fields differ in type is still answered.
type validationRequest struct {
	Bot   bot             `json:"bot"`
	User  user            `json:"user"`
	Value validationValue `json:"value"`
}

// validationValue is the parameter value being validated. For the profile
// plugin, Origin is the OTP URL; some payloads carry the JSON string
// {"otp":"<OTP URL>",...} in Origin or Resolved instead.
type validationValue struct {
	Origin   string     `json:"origin"`
	Resolved paramValue `json:"resolved"`
}

// skillPayload is the part of Open Builder's block skill payload that
// rollcall reads.
type skillPayload struct {
	Bot         bot         `json:"bot"`
	UserRequest userRequest `json:"userRequest"`
	Action      action      `json:"action"`
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
// string to be decoded again.
type detailParam struct {
	Origin string     `json:"origin"`
	Value  paramValue `json:"value"`
}

// botID returns bot.id.
func (r validationRequest) botID() string { return r.Bot.ID }

// userID returns user.id.
func (r validationRequest) userID() string { return r.User.ID }

// botID returns bot.id.
func (p skillPayload) botID() string { return p.Bot.ID }

// userID returns userRequest.user.id.
func (p skillPayload) userID() string { return p.UserRequest.User.ID }

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

// decodeError says why a request body is not a Kakao payload. Its message
// never quotes the body, so it may be logged and returned to the caller.
type decodeError struct {
	msg string
	err error
}

func (e *decodeError) Error() string { return e.msg }

func (e *decodeError) Unwrap() error { return e.err }

// decode reads body, which must be one JSON object, into v; a syntax error
// or a field of the wrong type yields a *decodeError.
func decode(body []byte, v any) error {
	trimmed := bytes.TrimLeft(body, " \t\r\n")
	if len(trimmed) == 0 {
		return &decodeError{msg: "empty request body"}
	}
	if trimmed[0] != '{' {
		return &decodeError{msg: "request body is not a JSON object"}
	}
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return &decodeError{msg: fmt.Sprintf("malformed JSON at byte %d", syntax.Offset), err: err}
	case errors.As(err, &typ) && typ.Field != "":
		return &decodeError{msg: fmt.Sprintf("field %q has the wrong type (got %s)", typ.Field, typ.Value), err: err}
	case errors.As(err, &typ):
		return &decodeError{msg: fmt.Sprintf("a field has the wrong type (got %s)", typ.Value), err: err}
	}
	return &decodeError{msg: "request body does not match the Kakao payload", err: err}
}
