package deploy

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
	"github.com/google/go-cmp/cmp"
)

// logMetric is the LogMetric schema's part that deploy/monitoring/metrics
// uses, decoded strictly so that a misspelt field fails.
type logMetric struct {
	Description      string            `yaml:"description"`
	Filter           string            `yaml:"filter"`
	ValueExtractor   string            `yaml:"valueExtractor"`
	LabelExtractors  map[string]string `yaml:"labelExtractors"`
	MetricDescriptor struct {
		MetricKind string `yaml:"metricKind"`
		ValueType  string `yaml:"valueType"`
		Unit       string `yaml:"unit"`
		Labels     []struct {
			Key         string `yaml:"key"`
			ValueType   string `yaml:"valueType"`
			Description string `yaml:"description"`
		} `yaml:"labels"`
	} `yaml:"metricDescriptor"`
	BucketOptions *struct {
		ExponentialBuckets struct {
			NumFiniteBuckets int     `yaml:"numFiniteBuckets"`
			GrowthFactor     float64 `yaml:"growthFactor"`
			Scale            float64 `yaml:"scale"`
		} `yaml:"exponentialBuckets"`
	} `yaml:"bucketOptions"`
}

// alertPolicy is the AlertPolicy schema's part that the policies use.
type alertPolicy struct {
	DisplayName   string `json:"displayName"`
	Documentation struct {
		Subject  string `json:"subject"`
		MimeType string `json:"mimeType"`
		Content  string `json:"content"`
	} `json:"documentation"`
	Combiner   string `json:"combiner"`
	Conditions []struct {
		DisplayName     string `json:"displayName"`
		ConditionAbsent *struct {
			Filter       string `json:"filter"`
			Duration     string `json:"duration"`
			Aggregations []struct {
				AlignmentPeriod    string `json:"alignmentPeriod"`
				PerSeriesAligner   string `json:"perSeriesAligner"`
				CrossSeriesReducer string `json:"crossSeriesReducer"`
			} `json:"aggregations"`
			Trigger struct {
				Count int `json:"count"`
			} `json:"trigger"`
		} `json:"conditionAbsent"`
		ConditionPrometheusQueryLanguage *struct {
			Query              string `json:"query"`
			Duration           string `json:"duration"`
			EvaluationInterval string `json:"evaluationInterval"`
		} `json:"conditionPrometheusQueryLanguage"`
	} `json:"conditions"`
	AlertStrategy struct {
		AutoClose string `json:"autoClose"`
	} `json:"alertStrategy"`
	NotificationChannels []string `json:"notificationChannels"`
	Severity             string   `json:"severity"`
}

// dashboard is the Dashboard schema's part that dashboard.json uses.
type dashboard struct {
	Name         string `json:"name"`
	DisplayName  string `json:"displayName"`
	MosaicLayout struct {
		Columns int `json:"columns"`
		Tiles   []struct {
			XPos   int `json:"xPos"`
			YPos   int `json:"yPos"`
			Width  int `json:"width"`
			Height int `json:"height"`
			Widget struct {
				Title   string `json:"title"`
				XYChart struct {
					DataSets []struct {
						TimeSeriesQuery struct {
							PrometheusQuery string `json:"prometheusQuery"`
						} `json:"timeSeriesQuery"`
						PlotType           string `json:"plotType"`
						LegendTemplate     string `json:"legendTemplate"`
						TargetAxis         string `json:"targetAxis"`
						MinAlignmentPeriod string `json:"minAlignmentPeriod"`
					} `json:"dataSets"`
					YAxis struct {
						Label string `json:"label"`
						Scale string `json:"scale"`
					} `json:"yAxis"`
					ChartOptions struct {
						Mode string `json:"mode"`
					} `json:"chartOptions"`
				} `json:"xyChart"`
			} `json:"widget"`
		} `json:"tiles"`
	} `json:"mosaicLayout"`
}

// monitoringFiles lists deploy/monitoring/<dir>/*.<ext>, relative to the root.
func monitoringFiles(t *testing.T, dir, ext string) []string {
	t.Helper()
	matches, err := filepath.Glob(filepath.Join(repoRoot(t), "deploy", "monitoring", dir, "*."+ext))
	if err != nil || len(matches) == 0 {
		t.Fatalf("no deploy/monitoring/%s/*.%s (err %v)", dir, ext, err)
	}
	var rel []string
	for _, m := range matches {
		rel = append(rel, filepath.Join("deploy", "monitoring", dir, filepath.Base(m)))
	}
	return rel
}

// loadMetrics returns the log-based metrics by name (the file's base name).
func loadMetrics(t *testing.T) map[string]logMetric {
	t.Helper()
	out := map[string]logMetric{}
	for _, file := range monitoringFiles(t, "metrics", "yaml") {
		var m logMetric
		if err := yaml.UnmarshalWithOptions([]byte(readRepoFile(t, file)), &m, yaml.Strict()); err != nil {
			t.Fatalf("%s does not parse as a LogMetric:\n%v", file, err)
		}
		out[strings.TrimSuffix(filepath.Base(file), ".yaml")] = m
	}
	return out
}

// decodeStrict decodes a JSON file into v, refusing unknown fields.
func decodeStrict(t *testing.T, file string, v any) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader([]byte(readRepoFile(t, file))))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s does not parse: %v", file, err)
	}
}

func loadPolicies(t *testing.T) map[string]alertPolicy {
	t.Helper()
	out := map[string]alertPolicy{}
	for _, file := range monitoringFiles(t, "policies", "json") {
		var p alertPolicy
		decodeStrict(t, file, &p)
		out[file] = p
	}
	return out
}

func loadDashboard(t *testing.T) dashboard {
	t.Helper()
	var d dashboard
	decodeStrict(t, "deploy/monitoring/dashboard.json", &d)
	return d
}

// metricUse is one reference to a metric in a query or a filter, with the
// label matchers written next to it.
type metricUse struct {
	where  string
	metric string            // a log-based metric's name, or a built-in's PromQL name
	suffix string            // _bucket, _sum or _count on a distribution in PromQL
	labels map[string]string // label = value
}

var (
	promSelector  = regexp.MustCompile(`([a-z_]+_googleapis_com:[A-Za-z0-9_]+)(\{(?:[^{}]|\$\{[A-Z_]+\})*\})?`)
	promMatcher   = regexp.MustCompile(`([a-z_]+)\s*=\s*"([^"]*)"`)
	filterMetric  = regexp.MustCompile(`metric\.type="([^"]+)"`)
	filterLabel   = regexp.MustCompile(`metric\.labels?\.([a-z_]+)="([^"]*)"`)
	distribSuffix = regexp.MustCompile(`_(bucket|sum|count)$`)
)

// Resource labels that PromQL queries may match on any Cloud Run metric.
var resourceLabels = map[string]bool{"monitored_resource": true, "service_name": true, "le": true}

// builtinMetrics are Cloud Run's own metrics the files may use, by PromQL name.
var builtinMetrics = map[string]bool{
	"run_googleapis_com:request_count":                        true,
	"run_googleapis_com:container_instance_count":             true,
	"run_googleapis_com:container_memory_utilizations_bucket": true,
}

// promUses finds every metric a PromQL query reads.
func promUses(where, query string) []metricUse {
	var uses []metricUse
	for _, m := range promSelector.FindAllStringSubmatch(query, -1) {
		u := metricUse{where: where, metric: m[1], labels: map[string]string{}}
		if name, ok := strings.CutPrefix(m[1], "logging_googleapis_com:user_"); ok {
			u.metric = name
			if s := distribSuffix.FindString(name); s != "" {
				u.metric, u.suffix = strings.TrimSuffix(name, s), s
			}
		}
		for _, l := range promMatcher.FindAllStringSubmatch(m[2], -1) {
			u.labels[l[1]] = l[2]
		}
		uses = append(uses, u)
	}
	return uses
}

// allMetricUses lists what the policies and the dashboard read.
func allMetricUses(t *testing.T) []metricUse {
	t.Helper()
	var uses []metricUse
	for file, p := range loadPolicies(t) {
		for _, c := range p.Conditions {
			if a := c.ConditionAbsent; a != nil {
				m := filterMetric.FindStringSubmatch(a.Filter)
				if m == nil {
					t.Fatalf("%s: the absence filter names no metric.type", file)
				}
				u := metricUse{where: file, metric: strings.TrimPrefix(m[1], "logging.googleapis.com/user/"), labels: map[string]string{}}
				for _, l := range filterLabel.FindAllStringSubmatch(a.Filter, -1) {
					u.labels[l[1]] = l[2]
				}
				uses = append(uses, u)
			}
			if q := c.ConditionPrometheusQueryLanguage; q != nil {
				uses = append(uses, promUses(file, q.Query)...)
			}
		}
	}
	for _, tile := range loadDashboard(t).MosaicLayout.Tiles {
		for _, ds := range tile.Widget.XYChart.DataSets {
			uses = append(uses, promUses("dashboard tile "+tile.Widget.Title, ds.TimeSeriesQuery.PrometheusQuery)...)
		}
	}
	return uses
}

func TestMonitoringFilesParseAndReferOnlyToMetricsThatExist(t *testing.T) {
	t.Parallel()
	metrics := loadMetrics(t)
	for name, m := range metrics {
		declared := map[string]bool{}
		for _, l := range m.MetricDescriptor.Labels {
			declared[l.Key] = true
		}
		if diff := cmp.Diff(sortedKeys(declared), sortedKeys(m.LabelExtractors)); diff != "" {
			t.Errorf("%s: declared labels and label extractors differ (-declared +extracted):\n%s", name, diff)
		}
		distribution := m.MetricDescriptor.ValueType == "DISTRIBUTION"
		if distribution != (m.ValueExtractor != "") || distribution != (m.BucketOptions != nil) {
			t.Errorf("%s: a DISTRIBUTION needs a valueExtractor and bucketOptions, a counter neither", name)
		}
		if m.MetricDescriptor.MetricKind != "DELTA" || m.Description == "" {
			t.Errorf("%s: want a DELTA metric with a description", name)
		}
		if !strings.Contains(m.Filter, `resource.labels.service_name="${SERVICE}"`) {
			t.Errorf("%s: the filter must keep to the service's own logs (service_name=\"${SERVICE}\")", name)
		}
	}

	uses := allMetricUses(t)
	used := map[string]bool{}
	for _, u := range uses {
		if builtinMetrics[u.metric] {
			continue
		}
		m, ok := metrics[u.metric]
		if !ok {
			t.Errorf("%s reads %s%s, which is neither a metric of deploy/monitoring/metrics nor a known Cloud Run metric", u.where, u.metric, u.suffix)
			continue
		}
		used[u.metric] = true
		if distribution := m.MetricDescriptor.ValueType == "DISTRIBUTION"; distribution != (u.suffix != "") {
			t.Errorf("%s reads %s%s: a distribution is read as _bucket, _sum or _count, a counter as is", u.where, u.metric, u.suffix)
		}
		for label := range u.labels {
			if _, ok := m.LabelExtractors[label]; !ok && !resourceLabels[label] {
				t.Errorf("%s matches %s on label %s, which the metric does not have", u.where, u.metric, label)
			}
		}
	}
	for name := range metrics {
		if !used[name] {
			t.Errorf("log-based metric %s is on no dashboard tile and in no policy", name)
		}
	}

	if d := loadDashboard(t); d.Name != "projects/${PROJECT_ID}/dashboards/${SERVICE}" {
		t.Errorf("dashboard name %q: want the fixed name deploy/monitoring.sh finds it by", d.Name)
	}

	ops := readRepoFile(t, "docs/operations.md")
	policies := loadPolicies(t)
	if len(policies) < 7 {
		t.Errorf("%d alerting policies, want at least the issue's 7", len(policies))
	}
	for file, p := range policies {
		if !strings.HasPrefix(p.DisplayName, "rollcall: ") || len(p.Conditions) == 0 {
			t.Errorf("%s: want a displayName starting \"rollcall: \" and a condition", file)
		}
		if len(p.Documentation.Content) < 100 || p.Documentation.MimeType != "text/markdown" {
			t.Errorf("%s: the documentation must say what it means and what to do (markdown)", file)
		}
		if diff := cmp.Diff([]string{"${NOTIFICATION_CHANNEL}"}, p.NotificationChannels); diff != "" {
			t.Errorf("%s: notificationChannels (-want +got):\n%s", file, diff)
		}
		if !strings.Contains(ops, strings.TrimPrefix(p.DisplayName, "rollcall: ")) {
			t.Errorf("docs/operations.md does not list the alert %q", p.DisplayName)
		}
		for _, c := range p.Conditions {
			if (c.ConditionAbsent == nil) == (c.ConditionPrometheusQueryLanguage == nil) {
				t.Errorf("%s: condition %q needs exactly one of conditionAbsent, conditionPrometheusQueryLanguage", file, c.DisplayName)
			}
		}
	}
}

// monitoringCall reduces a call to what identifies it: "logging metrics
// create rollcall_syncs", "monitoring policies update".
func monitoringCall(c gcloudCall) string {
	words := gcloudPositionals(c.Args)
	for i, w := range words {
		if w == "create" || w == "update" {
			if strings.Contains(c.words(), "logging metrics") {
				return strings.Join(words[:min(i+2, len(words))], " ")
			}
			return strings.Join(words[:i+1], " ")
		}
	}
	return ""
}

func TestMonitoringScriptCreatesThenUpdates(t *testing.T) {
	t.Parallel()
	f := newFakeGcloud(t)
	first, out := f.run(t, "deploy/monitoring.sh", "NOTIFY_EMAIL=ops@example.com")
	second, _ := f.run(t, "deploy/monitoring.sh", "NOTIFY_EMAIL=ops@example.com")

	metrics := sortedKeys(loadMetrics(t))
	policies := len(loadPolicies(t))
	want := func(verb string) []string {
		var calls []string
		for _, m := range metrics {
			calls = append(calls, "logging metrics "+verb+" "+m)
		}
		for range policies {
			calls = append(calls, "monitoring policies "+verb)
		}
		calls = append(calls, "monitoring dashboards "+verb)
		if verb == "create" {
			calls = append(calls, "beta monitoring channels create")
		}
		sort.Strings(calls)
		return calls
	}
	changes := func(calls []gcloudCall) []string {
		var out []string
		for _, c := range calls {
			if s := monitoringCall(c); s != "" {
				out = append(out, s)
			}
			if gcloudFlags(c.Args)["project"] != testProject {
				t.Errorf("%s does not name --project=%s", c, testProject)
			}
		}
		sort.Strings(out)
		return out
	}
	if diff := cmp.Diff(want("create"), changes(first)); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want("update"), changes(second)); diff != "" {
		t.Errorf("second run (-want +got):\n%s", diff)
	}
	// Every policy created names the channel made for NOTIFY_EMAIL.
	channel := regexp.MustCompile(`projects/fake/notificationChannels/\d+`).FindString(out)
	if channel == "" {
		t.Fatalf("the script did not say which channel it notifies:\n%s", out)
	}

	// With a channel given, no channel is looked up or made.
	g := newFakeGcloud(t)
	calls, _ := g.run(t, "deploy/monitoring.sh", "NOTIFY_CHANNEL=projects/test-project/notificationChannels/42")
	for _, c := range calls {
		if strings.Contains(c.words(), "channels") {
			t.Errorf("NOTIFY_CHANNEL was given, yet the script ran %s", c)
		}
	}
}

func TestMonitoringScriptRefusesToAlertNobody(t *testing.T) {
	t.Parallel()
	f := newFakeGcloud(t)
	for _, env := range [][]string{nil, {"NOTIFY_CHANNEL=42"}, {"NOTIFY_EMAIL=a@b c"}} {
		out, err := f.runErr(t, "deploy/monitoring.sh", env...)
		if err == nil || !strings.Contains(out, "NOTIFY_") {
			t.Errorf("monitoring.sh with %q: %v, want a refusal naming NOTIFY_EMAIL or NOTIFY_CHANNEL:\n%s", env, err, out)
		}
		if calls := f.calls(t); slices.ContainsFunc(calls, func(c gcloudCall) bool { return monitoringCall(c) != "" }) {
			t.Errorf("monitoring.sh with %q changed something: %v", env, calls)
		}
	}
}
