package kakao

// The JSON grammar that scan.go's one-pass reader walks documents with: it
// checks every byte as encoding/json's scanner does, and hands its caller
// string literals and the positions of values.

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
