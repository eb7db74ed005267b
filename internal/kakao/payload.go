package kakao

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"unicode/utf8"
)

// ValidationRequest is what Open Builder's parameter validation skill POSTs.
// Only the fields rollcall reads or logs are declared; unknown fields are
// ignored.
type ValidationRequest struct {
	Bot       Bot                   `json:"bot"`
	Utterance string                `json:"utterance"`
	Params    map[string]ParamValue `json:"params"`
	User      User                  `json:"user"`
	Value     ValidationValue       `json:"value"`
}

// ValidationValue is the parameter value being validated. For the profile
// plugin, Origin is the OTP URL; some payloads carry the JSON string
// {"otp":"<OTP URL>",...} in Origin or Resolved instead.
type ValidationValue struct {
	Origin   string     `json:"origin"`
	Resolved ParamValue `json:"resolved"`
}

// SkillPayload is what Open Builder POSTs to a block skill. Only the fields
// rollcall reads or logs are declared; unknown fields are ignored.
type SkillPayload struct {
	Intent      Intent      `json:"intent"`
	UserRequest UserRequest `json:"userRequest"`
	Bot         Bot         `json:"bot"`
	Action      Action      `json:"action"`
}

// Intent is the block that matched.
type Intent struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// UserRequest describes the user and what they said.
type UserRequest struct {
	Timezone  string                `json:"timezone"`
	Params    map[string]ParamValue `json:"params"`
	Utterance string                `json:"utterance"`
	Lang      string                `json:"lang"`
	User      User                  `json:"user"`
}

// Bot names the chatbot that called the skill.
type Bot struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// User is the person talking to the bot. ID is bot-specific (botUserKey).
type User struct {
	ID         string         `json:"id"`
	Type       string         `json:"type"`
	Properties UserProperties `json:"properties"`
}

// UserProperties are the user's keys. Live payloads carry camelCase and
// snake_case twins; AppUserID is a string in some payloads and a number in
// others.
type UserProperties struct {
	BotUserKey        string     `json:"botUserKey"`
	PlusfriendUserKey string     `json:"plusfriendUserKey"`
	AppUserID         FlexString `json:"appUserId"`
	AppUserIDSnake    FlexString `json:"app_user_id"`
}

// Action is the skill call's parameters. Params maps a parameter name to its
// value; DetailParams adds the value's origin (what the user or plugin gave).
type Action struct {
	ID           string                 `json:"id"`
	Name         string                 `json:"name"`
	Params       map[string]ParamValue  `json:"params"`
	DetailParams map[string]DetailParam `json:"detailParams"`
}

// DetailParam is one entry of action.detailParams. Value is often a JSON
// string to be decoded again.
type DetailParam struct {
	Origin    string     `json:"origin"`
	Value     ParamValue `json:"value"`
	GroupName string     `json:"groupName"`
}

// FlexString is a JSON value that Kakao sends as a string in some payloads
// and as a number in others. A number keeps its literal digits (no float
// rounding); null is the empty string. Objects, arrays and booleans are
// refused.
type FlexString string

// UnmarshalJSON accepts a JSON string, number or null.
func (s *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0:
		return errors.New("empty value")
	case b[0] == '"':
		v, err := unquote(b)
		if err != nil {
			return err
		}
		*s = FlexString(v)
	case string(b) == "null":
		// Unmarshal's own convention: null leaves the value alone.
	case b[0] == '-' || (b[0] >= '0' && b[0] <= '9'):
		*s = FlexString(b)
	default:
		return errors.New("want a string or a number")
	}
	return nil
}

// ParamValue is a parameter value as text. Kakao documents strings, but some
// values arrive as JSON objects or numbers; those are kept as their compact
// JSON text, so a plugin's {"otp":...} reads the same either way. null is the
// empty string.
type ParamValue string

// UnmarshalJSON accepts any JSON value.
func (p *ParamValue) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) > 0 && b[0] == '"':
		v, err := unquote(b)
		if err != nil {
			return err
		}
		*p = ParamValue(v)
		return nil
	case string(b) == "null":
		return nil
	case isJSONNumber(b):
		*p = ParamValue(b) // a number is its own compact text
		return nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		return err
	}
	*p = ParamValue(buf.String())
	return nil
}

// unquote returns the JSON string literal b as text. A literal without
// escapes and in valid UTF-8 is its own text between the quotes, and is
// read without a second decoder; any other goes to encoding/json, which
// resolves escapes and replaces invalid UTF-8 as usual.
func unquote(b []byte) (string, error) {
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		inner := b[1 : len(b)-1]
		if bytes.IndexByte(inner, '\\') < 0 && bytes.IndexByte(inner, '"') < 0 && !hasControl(inner) && utf8.Valid(inner) {
			return string(inner), nil
		}
	}
	var v string
	if err := json.Unmarshal(b, &v); err != nil {
		return "", err
	}
	return v, nil
}

// hasControl reports whether b holds a control character, which a JSON
// string must escape.
func hasControl(b []byte) bool {
	for _, c := range b {
		if c < 0x20 {
			return true
		}
	}
	return false
}

// isJSONNumber reports whether b is exactly one JSON number:
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case i < len(b) && b[i] >= '1' && b[i] <= '9':
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		start := i
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
		}
		if i == start {
			return false
		}
	}
	return i == len(b)
}

// DecodeError says why a request body is not a Kakao payload. Its message
// never quotes the body, so it may be logged and returned to the caller.
type DecodeError struct {
	msg string
	err error
}

func (e *DecodeError) Error() string { return e.msg }

func (e *DecodeError) Unwrap() error { return e.err }

// DecodeValidation decodes a parameter validation request. The body must be
// one JSON object; a syntax error or a field of the wrong type (such as
// "value" as a number) yields a *DecodeError.
func DecodeValidation(body []byte) (ValidationRequest, error) {
	var r ValidationRequest
	if err := decodeObject(body, &r); err != nil {
		return ValidationRequest{}, err
	}
	return r, nil
}

// DecodeSkill decodes a block skill payload. The body must be one JSON
// object; a syntax error or a field of the wrong type yields a *DecodeError.
func DecodeSkill(body []byte) (SkillPayload, error) {
	var p SkillPayload
	if err := decodeObject(body, &p); err != nil {
		return SkillPayload{}, err
	}
	return p, nil
}

// decodeValidationCall decodes the part of a validation request that the
// handler reads — bot.id, user.id and value — and skips the rest unread, so
// that the answer costs no more than it needs and a variant payload whose
// other fields differ in type is still answered. Only those fields of the
// result are set. It refuses what DecodeValidation refuses in them. The
// usual payload is read by scanValidationCall in one pass; anything else by
// encoding/json.
func decodeValidationCall(body []byte) (ValidationRequest, error) {
	if req, ok := scanValidationCall(body); ok {
		return req, nil
	}
	return decodeValidationCallJSON(body)
}

// decodeValidationCallJSON is decodeValidationCall with encoding/json alone.
func decodeValidationCallJSON(body []byte) (ValidationRequest, error) {
	var c struct {
		Bot   idField         `json:"bot"`
		User  idField         `json:"user"`
		Value ValidationValue `json:"value"`
	}
	if err := decodeObject(body, &c); err != nil {
		return ValidationRequest{}, err
	}
	return ValidationRequest{Bot: Bot{ID: c.Bot.ID}, User: User{ID: c.User.ID}, Value: c.Value}, nil
}

// decodeSkillCall is decodeValidationCall for a block skill payload: it
// reads bot.id, userRequest.user.id, action.params and action.detailParams,
// the usual payload with scanSkillCall.
func decodeSkillCall(body []byte) (SkillPayload, error) {
	if p, ok := scanSkillCall(body); ok {
		return p, nil
	}
	return decodeSkillCallJSON(body)
}

// decodeSkillCallJSON is decodeSkillCall with encoding/json alone.
func decodeSkillCallJSON(body []byte) (SkillPayload, error) {
	var c struct {
		Bot         idField `json:"bot"`
		UserRequest struct {
			User idField `json:"user"`
		} `json:"userRequest"`
		Action struct {
			Params       map[string]ParamValue  `json:"params"`
			DetailParams map[string]DetailParam `json:"detailParams"`
		} `json:"action"`
	}
	if err := decodeObject(body, &c); err != nil {
		return SkillPayload{}, err
	}
	return SkillPayload{
		Bot:         Bot{ID: c.Bot.ID},
		UserRequest: UserRequest{User: User{ID: c.UserRequest.User.ID}},
		Action:      Action{Params: c.Action.Params, DetailParams: c.Action.DetailParams},
	}, nil
}

// idField is an object of which only the "id" is read.
type idField struct {
	ID string `json:"id"`
}

func decodeObject(body []byte, v any) error {
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
