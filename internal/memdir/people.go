package memdir

import (
	"strings"

	"github.com/rollcall/rollcall/internal/directory"
)

// people is one loaded copy of the employees, packed to take little memory:
// with a hundred thousand employees, a map of directory.Employee values
// holds six strings (each its own allocation) and a string key per person,
// about three times what is stored here. Phones are map keys as numbers,
// names and emails share one string, and departments and positions, of
// which a company has few, are each kept once. Look-ups slice that shared
// string: they allocate nothing.
type people struct {
	// byNumber maps an E.164 phone, read as the number its digits spell,
	// to its person in list.
	byNumber map[uint64]uint32
	// byPhone holds the phones that are not plain E.164 ("+" and up to 15
	// digits, the first not 0); rollcall's syncs store none.
	byPhone map[string]uint32
	list    []person
	text    string   // every name and email, back to back
	words   []string // every distinct department and position
}

// person is one employee in people. Name is text[text:text+nameLen], Email
// the emailLen bytes that follow; department and position index words.
type person struct {
	text, nameLen, emailLen uint32
	department, position    uint32
	row                     int
}

// len returns how many employees p holds.
func (p *people) len() int { return len(p.byNumber) + len(p.byPhone) }

// lookup returns the employee whose phone is phone, and whether there is one.
func (p *people) lookup(phone string) (directory.Employee, bool) {
	var (
		i  uint32
		ok bool
	)
	if n, plain := e164Number(phone); plain {
		i, ok = p.byNumber[n]
	} else {
		i, ok = p.byPhone[phone]
	}
	if !ok {
		return directory.Employee{}, false
	}
	e := p.list[i]
	email := e.text + e.nameLen
	return directory.Employee{
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
			byNumber: make(map[uint64]uint32, n),
			byPhone:  map[string]uint32{},
			list:     make([]person, 0, n),
		},
		words: map[string]uint32{},
	}
	b.text.Grow(n * textPerPerson)
	return b
}

// add packs e. A phone added twice keeps the last employee, as a map would.
func (b *peopleBuilder) add(e directory.Employee) {
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

	n, plain := e164Number(e.Phone)
	var i uint32
	var found bool
	if plain {
		i, found = b.p.byNumber[n]
	} else {
		i, found = b.p.byPhone[e.Phone]
	}
	if found {
		b.p.list[i] = pe
		return
	}
	i = uint32(len(b.p.list))
	b.p.list = append(b.p.list, pe)
	if plain {
		b.p.byNumber[n] = i
	} else {
		b.p.byPhone[e.Phone] = i
	}
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
// Text that took much less room than it was given is copied to fit.
func (b *peopleBuilder) done() *people {
	b.p.text = b.text.String()
	if b.text.Cap()-b.text.Len() > b.text.Len()/4 {
		b.p.text = strings.Clone(b.p.text)
	}
	return &b.p
}
