// Package rostersync is the sync, the use case that copies HR's sheet into
// the store: read the whole sheet, plan the difference against the store,
// check the plan against the deletion brake, apply it, report, and tell HR
// the result in their spreadsheet (the feedback tab's text is here).
//
// It declares what it needs from the outside as the small interfaces Source,
// Store and Feedback; the adapters (csv, xlsx, sheets, bolt, firestore)
// satisfy them.
package rostersync
