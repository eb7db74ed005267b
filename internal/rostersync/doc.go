// Package mirror is the use case that mirrors HR's sheet into the directory
// store: read the whole sheet, plan the difference against the store, check
// the plan against the deletion brake, apply it, and report.
//
// It declares what it needs from the outside as the small interfaces Source
// and Store; the adapters (csv, xlsx, sheets, bolt, firestore) satisfy them.
package rostersync
