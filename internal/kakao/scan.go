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
// reads have exactly the expected shapes — plain keys, each at most once,
// strings (or null) where strings are expected. Whenever anything is
// unusual (a type error, a duplicate or differently-cased key, an escape in
// a key, deep nesting, invalid JSON), it gives up and the caller decodes
// with encoding/json as before, which then also writes the error message.
// So whatever the reader accepts, encoding/json accepts with the same
// result; scan_test.go fuzzes exactly that.

// maxScanDepth is the nesting the reader follows before it leaves the
// document to encoding/json; Kakao's payloads nest four or five deep.
const maxScanDepth = 64

// jsonReader walks one JSON document held in memory.
type jsonReader struct {
	data  []byte
	pos   int
	depth int
}

// ws skips white space as JSON defines it.
func (r *jsonReader) ws() {
	for r.pos < len(r.data) {
		switch r.data[r.pos] {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return
		}
	}
}

// peek returns the next byte after white space, or 0 at the end.
func (r *jsonReader) peek() byte {
	r.ws()
	if r.pos >= len(r.data) {
		return 0
	}
	return r.data[r.pos]
}

// consume skips white space and then c, reporting whether c was there.
func (r *jsonReader) consume(c byte) bool {
	if r.peek() != c {
		return false
	}
	r.pos++
	return true
}

// end reports whether only white space is left.
func (r *jsonReader) end() bool {
	r.ws()
	return r.pos == len(r.data)
}

// str reads a string at the current position and returns its literal,
// quotes included, and whether it holds escapes.
func (r *jsonReader) str() (lit []byte, escaped, ok bool) {
	if r.peek() != '"' {
		return nil, false, false
	}
	start := r.pos
	r.pos++
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		switch {
		case c == '"':
			r.pos++
			return r.data[start:r.pos], escaped, true
		case c < 0x20:
			return nil, false, false
		case c == '\\':
			escaped = true
			if r.pos+1 >= len(r.data) {
				return nil, false, false
			}
			switch r.data[r.pos+1] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
				r.pos += 2
			case 'u':
				if r.pos+6 > len(r.data) || !isHex4(r.data[r.pos+2:r.pos+6]) {
					return nil, false, false
				}
				r.pos += 6
			default:
				return nil, false, false
			}
		default:
			r.pos++
		}
	}
	return nil, false, false
}

func isHex4(b []byte) bool {
	for _, c := range b {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

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

// literal reads the literal word (true, false or null).
func (r *jsonReader) literal(word string) bool {
	r.ws()
	if len(r.data)-r.pos < len(word) || string(r.data[r.pos:r.pos+len(word)]) != word {
		return false
	}
	r.pos += len(word)
	return true
}

// number reads a number: the longest run of number characters, which must
// be one JSON number.
func (r *jsonReader) number() bool {
	r.ws()
	start := r.pos
	for r.pos < len(r.data) {
		c := r.data[r.pos]
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			break
		}
		r.pos++
	}
	return isJSONNumber(r.data[start:r.pos])
}

// skip reads any value and checks its grammar.
func (r *jsonReader) skip() bool {
	switch c := r.peek(); {
	case c == '{':
		return r.object(func([]byte) bool { return r.skip() })
	case c == '[':
		return r.array()
	case c == '"':
		_, _, ok := r.str()
		return ok
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	default:
		return r.number()
	}
}

// array reads an array of any values.
func (r *jsonReader) array() bool {
	if !r.consume('[') || !r.deeper() {
		return false
	}
	defer r.shallower()
	if r.consume(']') {
		return true
	}
	for {
		if !r.skip() {
			return false
		}
		if r.consume(']') {
			return true
		}
		if !r.consume(',') {
			return false
		}
	}
}

// object reads an object, handing each member's key (its string literal,
// quotes included) to member, which must read the value.
func (r *jsonReader) object(member func(key []byte) bool) bool {
	if !r.consume('{') || !r.deeper() {
		return false
	}
	defer r.shallower()
	if r.consume('}') {
		return true
	}
	for {
		key, _, ok := r.str()
		if !ok || !r.consume(':') || !member(key) {
			return false
		}
		if r.consume('}') {
			return true
		}
		if !r.consume(',') {
			return false
		}
	}
}

func (r *jsonReader) deeper() bool {
	r.depth++
	return r.depth <= maxScanDepth
}

func (r *jsonReader) shallower() { r.depth-- }

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
					var s string
					s, ok = r.param()
					req.Value.Resolved = ParamValue(s)
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
			var s string
			s, ok = r.param()
			p.AppUserID = ParamValue(s)
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
