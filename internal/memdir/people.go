package memdir

import (
	"cmp"
	"slices"
	"strings"

	"github.com/rollcall/rollcall/internal/roster"
)

// people is one loaded copy of the employees, packed to take little memory:
// with a hundred thousand employees, a map of roster.Employee values
// holds six strings (each its own allocation) and a string key per person,
// several times what is stored here. Each person carries its phone as the
// number its digits spell, in a list sorted by it, so that a look-up is a
// binary search and no map is needed beside the list; names and emails
// share one string; departments and positions, of which a company has few,
// are each kept once. Look-ups slice that shared string: they allocate
// nothing. It stays because the 64 MB target at 100,000 employees needs
// it: BenchmarkLoad100k keeps 8.0 MB live this way against 21.0 MB for a
// map[string]roster.Employee, and `go run ./bench` at 100,000 (bolt)
// peaked at 70.3 MiB with the map (docs/benchmarks.md).
type people struct {
	// list holds the people whose phone is plain E.164 ("+" and up to 15
	// digits, the first not 0), sorted by number, one per number.
	list []person
	// byPhone holds the others, by phone; rollcall's syncs store none.
	byPhone map[string]person
	text    string   // every name and email, back to back
	words   []string // every distinct department and position
}

// person is one employee in people. Name is text[text:text+nameLen], Email
// the emailLen bytes that follow; department and position index words.
type person struct {
	number                  uint64 // the phone's digits as a number, when plain
	text, nameLen, emailLen uint32
	department, position    uint32
	row                     int
}

// len returns how many employees p holds.
func (p *people) len() int { return len(p.list) + len(p.byPhone) }

// lookup returns the employee whose phone is phone, and whether there is one.
func (p *people) lookup(phone string) (roster.Employee, bool) {
	var (
		e  person
		ok bool
	)
	if n, plain := e164Number(phone); plain {
		i, found := slices.BinarySearchFunc(p.list, n, func(e person, n uint64) int { return cmp.Compare(e.number, n) })
		if found {
			e, ok = p.list[i], true
		}
	} else {
		e, ok = p.byPhone[phone]
	}
	if !ok {
		return roster.Employee{}, false
	}
	email := e.text + e.nameLen
	return roster.Employee{
		Phone:      phone, // the key it was found under: the same string
		Name:       p.text[e.text:email],
		Department: p.words[e.department],
		Position:   p.words[e.position],
		Email:      p.text[email : email+e.emailLen],
		Row:        e.row,
	}, true
}

// e164Number reads "+" and 1 to 15 digits, the first not 0, as the number
// the digits spell. Different phones of that form are different numbers.
func e164Number(phone string) (uint64, bool) {
	if len(phone) < 2 || len(phone) > 16 || phone[0] != '+' || phone[1] == '0' {
		return 0, false
	}
	var n uint64
	for i := 1; i < len(phone); i++ {
		c := phone[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + uint64(c-'0')
	}
	return n, true
}

// peopleBuilder packs employees into a people, one at a time.
type peopleBuilder struct {
	p     people
	text  strings.Builder
	words map[string]uint32
}

// textPerPerson is about how many bytes of name and email an employee
// has: "홍길동" and "gildong.hong@example.com".
const textPerPerson = 32

// newPeopleBuilder returns a builder with room for n employees (0 if not
// known): a load that knows how many employees come allocates each part
// once instead of growing it.
func newPeopleBuilder(n int) *peopleBuilder {
	b := &peopleBuilder{
		p: people{
			list:    make([]person, 0, n),
			byPhone: map[string]person{},
		},
		words: map[string]uint32{},
	}
	b.text.Grow(n * textPerPerson)
	return b
}

// add packs e. A phone added twice keeps the last employee, as a map would.
func (b *peopleBuilder) add(e roster.Employee) {
	pe := person{
		text:       uint32(b.text.Len()),
		nameLen:    uint32(len(e.Name)),
		emailLen:   uint32(len(e.Email)),
		department: b.word(e.Department),
		position:   b.word(e.Position),
		row:        e.Row,
	}
	b.text.WriteString(e.Name)
	b.text.WriteString(e.Email)
	if n, plain := e164Number(e.Phone); plain {
		pe.number = n
		b.p.list = append(b.p.list, pe) // sorted, and repeats dropped, by done
		return
	}
	b.p.byPhone[e.Phone] = pe
}

// word returns the index of s in words, adding it if it is new.
func (b *peopleBuilder) word(s string) uint32 {
	if i, ok := b.words[s]; ok {
		return i
	}
	i := uint32(len(b.p.words))
	b.p.words = append(b.p.words, strings.Clone(s))
	b.words[s] = i
	return i
}

// done returns the packed employees; the builder must not be used again.
// It sorts the list by number, keeping of a number added more than once the
// last. Text that took much less room than it was given is copied to fit.
func (b *peopleBuilder) done() *people {
	list := b.p.list
	// Stores hand employees over by phone, as text: nearly sorted already.
	slices.SortStableFunc(list, func(x, y person) int { return cmp.Compare(x.number, y.number) })
	kept := list[:0]
	for i, pe := range list {
		if i+1 < len(list) && list[i+1].number == pe.number {
			continue // a later one of the same number wins
		}
		kept = append(kept, pe)
	}
	b.p.list = kept
	b.p.text = b.text.String()
	if b.text.Cap()-b.text.Len() > b.text.Len()/4 {
		b.p.text = strings.Clone(b.p.text)
	}
	return &b.p
}
