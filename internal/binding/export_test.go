package binding

// CachedForTest returns how many bindings s's cache holds.
func (s *Service) CachedForTest() int {
	s.cache.mu.RLock()
	defer s.cache.mu.RUnlock()
	return len(s.cache.entries)
}
