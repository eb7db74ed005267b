package kakao

import (
	"slices"
	"unicode/utf8"
)

// The skill answers are written by hand rather than through encoding/json:
// they are the same few small shapes on every request, and reflection, the
// sorting of the data map and a fresh result slice cost more than the rest
// of the answer. The bytes are exactly what json.Marshal writes (the same
// field order, omitempty, sorted map keys, HTML-safe escaping), which
// encode_test.go checks against json.Marshal.

// appendJSON appends r as json.Marshal encodes it.
func (r ValidationResponse) appendJSON(b []byte) []byte {
	b = append(b, `{"status":`...)
	b = appendJSONString(b, r.Status)
	if r.Value != "" {
		b = append(b, `,"value":`...)
		b = appendJSONString(b, r.Value)
	}
	if len(r.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendJSONStringMap(b, r.Data)
	}
	if r.Message != "" {
		b = append(b, `,"message":`...)
		b = appendJSONString(b, r.Message)
	}
	return append(b, '}')
}

// appendJSON appends r as json.Marshal encodes it.
func (r SkillResponse) appendJSON(b []byte) []byte {
	b = append(b, `{"version":`...)
	b = appendJSONString(b, r.Version)
	b = append(b, `,"template":{"outputs":`...)
	if r.Template.Outputs == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, o := range r.Template.Outputs {
			if i > 0 {
				b = append(b, ',')
			}
			b = append(b, '{')
			if o.SimpleText != nil {
				b = append(b, `"simpleText":{"text":`...)
				b = appendJSONString(b, o.SimpleText.Text)
				b = append(b, '}')
			}
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if len(r.Data) > 0 {
		b = append(b, `,"data":`...)
		b = appendJSONStringMap(b, r.Data)
	}
	return append(b, '}')
}

// appendJSONStringMap appends m as an object with its keys in order, as
// json.Marshal does.
func appendJSONStringMap(b []byte, m map[string]string) []byte {
	var small [8]string // the answers' maps have up to five keys
	keys := small[:0]
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = appendJSONString(b, k)
		b = append(b, ':')
		b = appendJSONString(b, m[k])
	}
	return append(b, '}')
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s as a JSON string the way encoding/json does
// with HTML escaping on: quotes, backslashes and control characters
// escaped, <, > and & as \u003c, \u003e and \u0026, invalid UTF-8 as
// \ufffd, and U+2028 and U+2029 escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
