// Package roster owns rollcall's business nouns: an employee, a phone
// number in E.164 form, and the roster read from HR's sheet with the problems
// found in it. It depends on the standard library and the phone library only;
// every adapter and use case speaks in its types.
package roster
