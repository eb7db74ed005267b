package sheetstest

import "slices"

// Reading and editing a fake spreadsheet's tabs from a test, as HR would
// in the browser.

// Tab returns the tab of spreadsheet id titled title, and whether it exists.
func (s *Server) Tab(id, title string) (Tab, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sp := s.spreadsheets[id]; sp != nil {
		if t := sp.tab(title); t != nil {
			return *t, true
		}
	}
	return Tab{}, false
}

// Titles returns the titles of spreadsheet id's tabs, in order.
func (s *Server) Titles(id string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var titles []string
	if sp := s.spreadsheets[id]; sp != nil {
		for _, t := range sp.tabs {
			titles = append(titles, t.Title)
		}
	}
	return titles
}

// SetTab replaces the tab of spreadsheet id with tab's title, keeping the
// other tabs (a feedback tab included), as HR editing one tab does.
func (s *Server) SetTab(id string, tab Tab) {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	sp := s.spreadsheets[id]
	if sp == nil {
		s.tb.Errorf("sheetstest: SetTab: no spreadsheet %s", id)
		return
	}
	tabs := slices.Clone(sp.tabs)
	i := slices.IndexFunc(tabs, func(t Tab) bool { return t.Title == tab.Title })
	if i < 0 {
		s.tb.Errorf("sheetstest: SetTab: spreadsheet %s has no tab %q", id, tab.Title)
		return
	}
	tabs[i] = tab
	cp := *sp
	cp.tabs = tabs
	s.spreadsheets[id] = &cp
}
