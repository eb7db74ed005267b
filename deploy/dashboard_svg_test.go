package deploy

import (
	"flag"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite docs/dashboard.svg from deploy/monitoring/dashboard.json")

// Pixels per mosaic column and row in the image.
const (
	svgColumn = 20
	svgRow    = 11
)

// metricName shortens a PromQL metric to what an operator recognises.
var metricName = regexp.MustCompile(`(?:logging_googleapis_com:user_|run_googleapis_com:)([a-z_]+?)(?:_bucket|_sum|_count)?\{`)

// dashboardSVG draws the dashboard's layout: each tile where the console
// puts it, with its title, its series and the metrics they read.
func dashboardSVG(d dashboard) string {
	height := 0
	for _, tile := range d.MosaicLayout.Tiles {
		height = max(height, (tile.YPos+tile.Height)*svgRow)
	}
	width := d.MosaicLayout.Columns * svgColumn
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif">`+"\n",
		width, height+30, width, height+30)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#f8f9fa"/>`+"\n", width, height+30)
	fmt.Fprintf(&b, `<text x="8" y="20" font-size="15" font-weight="bold">Cloud Monitoring dashboard %s</text>`+"\n",
		html.EscapeString(strings.ReplaceAll(d.DisplayName, "${SERVICE}", "rollcall")))
	for _, tile := range d.MosaicLayout.Tiles {
		x, y := tile.XPos*svgColumn+4, tile.YPos*svgRow+34
		w, h := tile.Width*svgColumn-8, tile.Height*svgRow-8
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" rx="6" fill="#ffffff" stroke="#dadce0"/>`+"\n", x, y, w, h)
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="13" font-weight="bold">%s</text>`+"\n", x+10, y+20, html.EscapeString(tile.Widget.Title))
		var legends, metrics []string
		for _, ds := range tile.Widget.XYChart.DataSets {
			legends = append(legends, strings.Trim(ds.LegendTemplate, "{} "))
			for _, m := range metricName.FindAllStringSubmatch(ds.TimeSeriesQuery.PrometheusQuery, -1) {
				if !slices.Contains(metrics, m[1]) {
					metrics = append(metrics, m[1])
				}
			}
		}
		chart := tile.Widget.XYChart
		fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="11" fill="#5f6368">%s, %s: %s</text>`+"\n", x+10, y+38,
			strings.ToLower(strings.ReplaceAll(chart.DataSets[0].PlotType, "_", " ")), html.EscapeString(chart.YAxis.Label),
			html.EscapeString(strings.Join(legends, ", ")))
		for i, m := range metrics {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="10" fill="#80868b" font-family="monospace">%s</text>`+"\n", x+10, y+h-10-12*(len(metrics)-1-i), m)
		}
		// A faint axis, so that it reads as a chart.
		fmt.Fprintf(&b, `<polyline points="%d,%d %d,%d %d,%d" fill="none" stroke="#e8eaed"/>`+"\n",
			x+10, y+48, x+10, y+h-14-12*len(metrics), x+w-10, y+h-14-12*len(metrics))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// TestDashboardImageIsCurrent keeps docs/dashboard.svg, the picture of the
// dashboard in docs/operations.md, drawn from dashboard.json as it is now.
// Redraw it with: go test ./deploy -run TestDashboardImageIsCurrent -update
func TestDashboardImageIsCurrent(t *testing.T) {
	got := dashboardSVG(loadDashboard(t))
	path := filepath.Join(repoRoot(t), "docs", "dashboard.svg")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./deploy -run TestDashboardImageIsCurrent -update draws it)", err)
	}
	if string(want) != got {
		t.Error("docs/dashboard.svg is not the dashboard of deploy/monitoring/dashboard.json: go test ./deploy -run TestDashboardImageIsCurrent -update")
	}
	if !strings.Contains(readRepoFile(t, "docs/operations.md"), "](dashboard.svg)") {
		t.Error("docs/operations.md does not show dashboard.svg")
	}
}
