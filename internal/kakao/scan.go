package kakao

import (
	"bytes"
	"unicode/utf8"
)

// A single-pass reader for the JSON documents every verification decodes:
// the skill request (bot.id, the user id and the parameters that may carry
// the OTP URL, out of a few KiB of payload) and Kakao's profile answer
// (phone_number, app_user_id). encoding/json reads each twice (a validity
// scan, then a reflective decode that matches every key against the
// struct's fields); under load that was the largest share of the service's
// own CPU time.
//
// The reader is a shortcut, not a second decoder: it validates the whole
// document with JSON's grammar, and takes only documents whose fields it
// reads have exactly the expected shapes — plain field names, each at most once,
// strings (or null) where strings are expected. Whenever anything is
// unusual (a type error, a duplicate or differently-cased key, an escape in
// a key, deep nesting, invalid JSON), it gives up and the caller decodes
// with encoding/json as before, which then also writes the error message.
// So whatever the reader accepts, encoding/json accepts with the same
// result; scan_test.go fuzzes exactly that.

// text reads a string value as text, or null as "".
func (r *jsonReader) text() (string, bool) {
	if r.peek() == 'n' {
		return "", r.literal("null")
	}
	lit, escaped, ok := r.str()
	if !ok {
		return "", false
	}
	return literalText(lit, escaped)
}

// literalText returns the text of a string literal that str has read.
func literalText(lit []byte, escaped bool) (string, bool) {
	inner := lit[1 : len(lit)-1]
	if !escaped && utf8.Valid(inner) {
		return string(inner), true
	}
	s, err := unquote(lit) // escapes and invalid UTF-8, as encoding/json reads them
	return s, err == nil
}

// mapOf reads an object into *m as encoding/json reads one into a map
// keyed by strings: a null leaves *m as it is, an object makes it if it is
// nil, and a key given twice keeps its last value. elem reads one value.
func mapOf[V any](r *jsonReader, m *map[string]V, elem func() (V, bool)) bool {
	switch r.peek() {
	case 'n':
		return r.literal("null")
	case '{':
	default:
		return false
	}
	if *m == nil {
		*m = map[string]V{}
	}
	return r.object(func(lit []byte) bool {
		key, ok := literalText(lit, bytes.IndexByte(lit, '\\') >= 0)
		if !ok {
			return false
		}
		v, ok := elem()
		if ok {
			(*m)[key] = v
		}
		return ok
	})
}

// param reads a value the way ParamValue does for strings, numbers and
// null; objects, arrays and booleans are left to encoding/json.
func (r *jsonReader) param() (string, bool) {
	switch c := r.peek(); {
	case c == '"' || c == 'n':
		return r.text()
	case c == '-' || c >= '0' && c <= '9':
		start := r.pos
		if !r.number() {
			return "", false
		}
		return string(r.data[start:r.pos]), true
	}
	return "", false
}

// fields decodes an object into the named fields of a struct, as far as
// the shortcut goes: set reads the value of the i-th name. Other members
// are skipped. A key that encoding/json could match to a field other than
// exactly (differently cased, escaped, non-ASCII) or a field named twice
// makes it give up. A null object reads as an absent one.
func (r *jsonReader) fields(names []string, set func(i int) bool) bool {
	if r.peek() == 'n' {
		return r.literal("null")
	}
	var seen uint64
	return r.object(func(lit []byte) bool {
		key := lit[1 : len(lit)-1]
		for i, name := range names {
			if string(key) == name {
				if seen&(1<<i) != 0 {
					return false
				}
				seen |= 1 << i
				return set(i)
			}
		}
		if mayFold(key, names) {
			return false
		}
		return r.skip()
	})
}

// mayFold reports whether encoding/json might match key to one of names
// without it being exactly that name: it folds case (Unicode's, with
// look-alikes such as the Kelvin sign) and reads escapes in keys first.
func mayFold(key []byte, names []string) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf || c == '\\' {
			return true
		}
	}
	for _, name := range names {
		if equalFoldASCII(key, name) {
			return true
		}
	}
	return false
}

// equalFoldASCII reports whether the ASCII key equals name but for the
// case of its letters.
func equalFoldASCII(key []byte, name string) bool {
	if len(key) != len(name) {
		return false
	}
	for i := range len(key) {
		a, b := key[i], name[i]
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

// scanValidationCall is decodeValidationCall's shortcut; false means
// "decode with encoding/json".
func scanValidationCall(body []byte) (ValidationRequest, bool) {
	var req ValidationRequest
	r := jsonReader{data: body}
	if r.peek() != '{' {
		return ValidationRequest{}, false
	}
	ok := r.fields([]string{"bot", "user", "value"}, func(i int) bool {
		switch i {
		case 0:
			return r.idOf(&req.Bot.ID)
		case 1:
			return r.idOf(&req.User.ID)
		default:
			return r.fields([]string{"origin", "resolved"}, func(j int) bool {
				var ok bool
				if j == 0 {
					req.Value.Origin, ok = r.text()
				} else {
					req.Value.Resolved, ok = r.paramValue()
				}
				return ok
			})
		}
	})
	if !ok || !r.end() {
		return ValidationRequest{}, false
	}
	return req, true
}

// scanSkillCall is decodeSkillCall's shortcut; false means "decode with
// encoding/json".
func scanSkillCall(body []byte) (SkillPayload, bool) {
	var p SkillPayload
	r := jsonReader{data: body}
	if r.peek() != '{' {
		return SkillPayload{}, false
	}
	ok := r.fields([]string{"bot", "userRequest", "action"}, func(i int) bool {
		switch i {
		case 0:
			return r.idOf(&p.Bot.ID)
		case 1:
			return r.fields([]string{"user"}, func(int) bool { return r.idOf(&p.UserRequest.User.ID) })
		default:
			return r.fields([]string{"params", "detailParams"}, func(j int) bool {
				if j == 0 {
					return mapOf(&r, &p.Action.Params, r.paramValue)
				}
				return mapOf(&r, &p.Action.DetailParams, r.detailParam)
			})
		}
	})
	if !ok || !r.end() {
		return SkillPayload{}, false
	}
	return p, true
}

// paramValue reads a ParamValue that param can read.
func (r *jsonReader) paramValue() (ParamValue, bool) {
	s, ok := r.param()
	return ParamValue(s), ok
}

// detailParam reads an action.detailParams entry; null is the zero entry,
// as encoding/json stores it.
func (r *jsonReader) detailParam() (DetailParam, bool) {
	var d DetailParam
	ok := r.fields([]string{"origin", "value", "groupName"}, func(i int) bool {
		var ok bool
		switch i {
		case 0:
			d.Origin, ok = r.text()
		case 1:
			d.Value, ok = r.paramValue()
		default:
			d.GroupName, ok = r.text()
		}
		return ok
	})
	return d, ok
}

// idOf reads an object of which only the "id" string is kept, into id.
func (r *jsonReader) idOf(id *string) bool {
	return r.fields([]string{"id"}, func(int) bool {
		var ok bool
		*id, ok = r.text()
		return ok
	})
}

// scanProfile is parseProfile's shortcut for Kakao's answer: the
// phone_number string (or null) and app_user_id as ParamValue reads it;
// false means "decode with encoding/json".
func scanProfile(body []byte) (profileJSON, bool) {
	var p profileJSON
	r := jsonReader{data: body}
	if r.peek() != '{' {
		return profileJSON{}, false
	}
	ok := r.fields([]string{"app_user_id", "phone_number"}, func(i int) bool {
		var ok bool
		if i == 0 {
			p.AppUserID, ok = r.paramValue()
		} else {
			p.PhoneNumber, ok = r.text()
		}
		return ok
	})
	if !ok || !r.end() {
		return profileJSON{}, false
	}
	return p, true
}
