// Package roster owns rollcall's business nouns: an employee, a phone
// number in E.164 form, and the roster read from HR's sheet with the
// problems found in it. Standard library and the phone library only.
package roster
