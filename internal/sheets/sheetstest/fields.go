package sheetstest

import (
	"errors"
	"strings"
)

// fieldMask is a parsed "fields" parameter: the selected keys, each with
// the mask of its own fields, nil meaning all of them.
type fieldMask map[string]fieldMask

// parseFields reads the partial-response syntax the Google APIs accept:
// "a,b.c,d(e,f.g)".
func parseFields(s string) (fieldMask, error) {
	p := fieldParser{s: s}
	m, err := p.list()
	if err != nil {
		return nil, err
	}
	if p.i != len(p.s) {
		return nil, errors.New("unexpected " + string(p.s[p.i]))
	}
	return m, nil
}

type fieldParser struct {
	s string
	i int
}

// list reads "path,path(...),..." until the end or a ")".
func (p *fieldParser) list() (fieldMask, error) {
	m := fieldMask{}
	for {
		path, err := p.path()
		if err != nil {
			return nil, err
		}
		var sub fieldMask
		if p.i < len(p.s) && p.s[p.i] == '(' {
			p.i++
			if sub, err = p.list(); err != nil {
				return nil, err
			}
			if p.i >= len(p.s) || p.s[p.i] != ')' {
				return nil, errors.New("unbalanced (")
			}
			p.i++
		}
		m.add(path, sub)
		if p.i >= len(p.s) || p.s[p.i] != ',' {
			return m, nil
		}
		p.i++
	}
}

func (p *fieldParser) path() ([]string, error) {
	start := p.i
	for p.i < len(p.s) && !strings.ContainsRune(",()", rune(p.s[p.i])) {
		p.i++
	}
	parts := strings.Split(strings.TrimSpace(p.s[start:p.i]), ".")
	for _, part := range parts {
		if part == "" {
			return nil, errors.New("empty field name")
		}
	}
	return parts, nil
}

// add selects path, and below it sub (nil: everything).
func (m fieldMask) add(path []string, sub fieldMask) {
	for i, key := range path {
		if i == len(path)-1 {
			if prev, ok := m[key]; ok && (prev == nil || sub == nil) {
				m[key] = nil
			} else if ok {
				for k, v := range sub {
					prev[k] = v
				}
			} else {
				m[key] = sub
			}
			return
		}
		next, ok := m[key]
		if ok && next == nil {
			return // already selected whole
		}
		if !ok {
			next = fieldMask{}
			m[key] = next
		}
		m = next
	}
}

// apply keeps only the selected parts of a decoded JSON value; lists pass
// the mask on to each element.
func (m fieldMask) apply(v any) any {
	if m == nil {
		return v
	}
	switch v := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, sub := range m {
			if x, ok := v[k]; ok {
				out[k] = sub.apply(x)
			}
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = m.apply(x)
		}
		return out
	default:
		return v
	}
}
