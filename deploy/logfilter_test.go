package deploy

import (
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// This file evaluates the subset of Cloud Logging's query language that the
// log-based metrics in deploy/monitoring/metrics use — terms joined by AND:
// path="text", path=value, path=~"regexp", path>=number (and >, <, <=, !=),
// path:* — against a log entry, and their label and value extractors. Any
// other syntax is an error, so a filter this cannot read fails the tests
// instead of passing them.

// logEntry is the LogEntry Cloud Logging makes of a JSON line a Cloud Run
// service writes: severity is lifted out of the payload, as are the
// logging.googleapis.com/ fields; the rest is jsonPayload.
func logEntry(line map[string]any, service string) map[string]any {
	payload := maps.Clone(line)
	severity := payload["severity"]
	delete(payload, "severity")
	for k := range payload {
		if strings.HasPrefix(k, "logging.googleapis.com/") {
			delete(payload, k)
		}
	}
	return map[string]any{
		"resource":    map[string]any{"type": "cloud_run_revision", "labels": map[string]any{"service_name": service}},
		"severity":    severity,
		"jsonPayload": payload,
	}
}

// lookup returns the value at a dotted path of the entry.
func lookup(entry map[string]any, path string) (any, bool) {
	var v any = entry
	for _, part := range strings.Split(path, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = m[part]; !ok {
			return nil, false
		}
	}
	return v, true
}

// text is a field's value as Cloud Logging compares and extracts it.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	default:
		return fmt.Sprint(v)
	}
}

var filterTerm = regexp.MustCompile(`^([A-Za-z_][A-Za-z0-9_.]*)\s*(=~|!=|>=|<=|=|>|<|:)\s*(.+)$`)

// filterTerms splits a filter on AND outside quoted strings.
func filterTerms(filter string) ([]string, error) {
	var terms []string
	var cur strings.Builder
	inQuote := false
	fields := strings.Fields(filter)
	for i := 0; i < len(fields); i++ {
		f := fields[i]
		if !inQuote && f == "AND" {
			terms = append(terms, strings.TrimSpace(cur.String()))
			cur.Reset()
			continue
		}
		if !inQuote && (f == "OR" || f == "NOT" || strings.HasPrefix(f, "(") || strings.HasPrefix(f, "-")) {
			return nil, fmt.Errorf("%q: only terms joined by AND are understood here", f)
		}
		for j := 0; j < len(f); j++ {
			if f[j] == '\\' {
				j++
			} else if f[j] == '"' {
				inQuote = !inQuote
			}
		}
		cur.WriteString(f + " ")
	}
	if inQuote {
		return nil, fmt.Errorf("unterminated string in %q", filter)
	}
	return append(terms, strings.TrimSpace(cur.String())), nil
}

// matches reports whether entry satisfies every term of filter.
func matches(filter string, entry map[string]any) (bool, error) {
	terms, err := filterTerms(filter)
	if err != nil {
		return false, err
	}
	for _, term := range terms {
		ok, err := matchTerm(term, entry)
		if err != nil {
			return false, fmt.Errorf("term %q: %w", term, err)
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}

func matchTerm(term string, entry map[string]any) (bool, error) {
	m := filterTerm.FindStringSubmatch(term)
	if m == nil {
		return false, fmt.Errorf("not a comparison")
	}
	path, op, raw := m[1], m[2], m[3]
	v, present := lookup(entry, path)
	if op == ":" {
		if raw != "*" {
			return false, fmt.Errorf("only the presence test :* is understood")
		}
		return present, nil
	}
	want := raw
	if strings.HasPrefix(raw, `"`) {
		s, err := strconv.Unquote(raw)
		if err != nil {
			return false, fmt.Errorf("value %s: %w", raw, err)
		}
		want = s
	} else if strings.ContainsAny(raw, " \t\"") {
		return false, fmt.Errorf("value %s is neither quoted nor one word", raw)
	}
	if !present {
		return false, nil
	}
	switch op {
	case "=":
		return text(v) == want, nil
	case "!=":
		return text(v) != want, nil
	case "=~":
		re, err := regexp.Compile(want)
		if err != nil {
			return false, err
		}
		return re.MatchString(text(v)), nil
	}
	n, ok := v.(float64)
	w, err := strconv.ParseFloat(want, 64)
	if !ok || err != nil {
		return false, fmt.Errorf("%s compares numbers; the field holds %v", op, v)
	}
	switch op {
	case ">":
		return n > w, nil
	case ">=":
		return n >= w, nil
	case "<":
		return n < w, nil
	default: // "<="
		return n <= w, nil
	}
}

var (
	extractField  = regexp.MustCompile(`^EXTRACT\(([A-Za-z_][A-Za-z0-9_.]*)\)$`)
	extractRegexp = regexp.MustCompile(`^REGEXP_EXTRACT\(([A-Za-z_][A-Za-z0-9_.]*),\s*("(?:[^"\\]|\\.)*")\)$`)
)

// extract evaluates a label or value extractor on entry; ok is false when
// the field is missing or the regexp does not match.
func extract(extractor string, entry map[string]any) (value string, ok bool, err error) {
	if m := extractField.FindStringSubmatch(extractor); m != nil {
		v, present := lookup(entry, m[1])
		if !present {
			return "", false, nil
		}
		return text(v), true, nil
	}
	m := extractRegexp.FindStringSubmatch(extractor)
	if m == nil {
		return "", false, fmt.Errorf("extractor %q: only EXTRACT(path) and REGEXP_EXTRACT(path, \"re\") are understood", extractor)
	}
	pattern, err := strconv.Unquote(m[2])
	if err != nil {
		return "", false, err
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false, err
	}
	if re.NumSubexp() != 1 {
		return "", false, fmt.Errorf("extractor %q: REGEXP_EXTRACT needs exactly one group", extractor)
	}
	v, present := lookup(entry, m[1])
	if !present {
		return "", false, nil
	}
	sub := re.FindStringSubmatch(text(v))
	if sub == nil {
		return "", false, nil
	}
	return sub[1], true, nil
}

// TestLogFilterEvaluator shows that the evaluator the metric tests rely on
// can say no, and refuses what it does not understand.
func TestLogFilterEvaluator(t *testing.T) {
	t.Parallel()
	entry := logEntry(map[string]any{
		"severity": "WARNING", "message": "request", "status": float64(502), "outcome": "undecided",
		"dry_run": false, "logging.googleapis.com/trace": "projects/p/traces/x",
	}, "rollcall")
	tests := []struct {
		filter  string
		want    bool
		wantErr bool
	}{
		{filter: `resource.type="cloud_run_revision" AND resource.labels.service_name="rollcall"`, want: true},
		{filter: `resource.labels.service_name="other"`, want: false},
		{filter: `jsonPayload.message="request" AND jsonPayload.outcome:*`, want: true},
		{filter: `jsonPayload.message="request" AND jsonPayload.reason:*`, want: false},
		{filter: `jsonPayload.status>=500 AND severity="WARNING"`, want: true},
		{filter: `jsonPayload.status<500`, want: false},
		{filter: `jsonPayload.dry_run=false`, want: true},
		{filter: `jsonPayload.dry_run=true`, want: false},
		{filter: `jsonPayload.message=~"^req"`, want: true},
		{filter: `jsonPayload.message=~"^sync (finished|failed)"`, want: false},
		{filter: "jsonPayload.message=\"a AND b\"", want: false},
		{filter: `jsonPayload.severity:*`, want: false},                       // lifted out of the payload
		{filter: `jsonPayload.logging.googleapis.com/trace:*`, wantErr: true}, // not a path this reads
		{filter: `jsonPayload.message="request" OR severity="ERROR"`, wantErr: true},
		{filter: `jsonPayload.message:"req"`, wantErr: true},
		{filter: `jsonPayload.outcome>3`, wantErr: true},
	}
	for _, tt := range tests {
		got, err := matches(tt.filter, entry)
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("matches(%s) = %v, %v; want %v (error %v)", tt.filter, got, err, tt.want, tt.wantErr)
		}
	}

	sync := logEntry(map[string]any{"message": "sync refused by the deletion brake", "dry_run": true, "deleted": float64(7)}, "rollcall")
	extractors := []struct {
		extractor, want string
		ok, wantErr     bool
	}{
		{extractor: `REGEXP_EXTRACT(jsonPayload.message, "^sync (finished|refused|failed)")`, want: "refused", ok: true},
		{extractor: `REGEXP_EXTRACT(jsonPayload.message, "^request (x)")`, ok: false},
		{extractor: `EXTRACT(jsonPayload.dry_run)`, want: "true", ok: true},
		{extractor: `EXTRACT(jsonPayload.deleted)`, want: "7", ok: true},
		{extractor: `EXTRACT(jsonPayload.outcome)`, ok: false},
		{extractor: `REGEXP_EXTRACT(jsonPayload.message, "sync")`, wantErr: true},
		{extractor: `jsonPayload.message`, wantErr: true},
	}
	for _, tt := range extractors {
		got, ok, err := extract(tt.extractor, sync)
		if (err != nil) != tt.wantErr || ok != tt.ok || got != tt.want {
			t.Errorf("extract(%s) = %q, %v, %v; want %q, %v (error %v)", tt.extractor, got, ok, err, tt.want, tt.ok, tt.wantErr)
		}
	}
}
