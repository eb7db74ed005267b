package bolt

// FoldAt makes s fold every n records, so that a test need not bind
// foldEvery of them to see folds.
func FoldAt(s *Store, n int) { s.journal.foldAt = n }
