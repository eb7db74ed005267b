package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/rollcall/rollcall/internal/rostersync"
)

// TestPrintReportSaysWhatLanded: the first line of a failed run says
// whether none, part or all of its changes landed, as Report.Landed does.
func TestPrintReportSaysWhatLanded(t *testing.T) {
	t.Parallel()
	tests := []struct {
		report rostersync.Report
		want   string
	}{
		{rostersync.Report{Landed: rostersync.LandedAll}, "synced: "},
		{rostersync.Report{Error: "read", Landed: rostersync.LandedNone}, "FAILED (nothing changed): "},
		{rostersync.Report{Error: "cut", Landed: rostersync.LandedPart}, "FAILED (part of its changes may have landed; the next sync completes or repairs them): "},
		{rostersync.Report{Error: "record", Landed: rostersync.LandedAll}, "FAILED after its changes landed: "},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		printReport(&out, tt.report)
		if !strings.HasPrefix(out.String(), tt.want) {
			t.Errorf("report with error %q, landed %q prints %q, want it to start with %q", tt.report.Error, tt.report.Landed, out.String(), tt.want)
		}
	}
}
