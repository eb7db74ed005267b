package openbuilder

// MaxBodyBytes is maxBodyBytes for the external tests.
const MaxBodyBytes = maxBodyBytes
