package kakao

import (
	"bytes"
	"sync"
)

// bufferPool keeps the buffers that request and profile bodies are read
// into, so that reading a body costs no allocation once the pool is warm.
// A body is only read into a buffer, decoded (the decoded values are copies)
// and forgotten, so its buffer can serve the next request.
type bufferPool struct {
	pool sync.Pool
}

// maxPooledBuffer is the largest buffer kept for reuse: Kakao's requests
// and profiles are a few KiB, and a rare large body does not keep its memory.
const maxPooledBuffer = 32 << 10

func newBufferPool() *bufferPool {
	return &bufferPool{pool: sync.Pool{New: func() any { return new(bytes.Buffer) }}}
}

// get returns an empty buffer.
func (p *bufferPool) get() *bytes.Buffer {
	return p.pool.Get().(*bytes.Buffer)
}

// put returns b for reuse; nothing may use b or its bytes afterwards.
func (p *bufferPool) put(b *bytes.Buffer) {
	if b.Cap() > maxPooledBuffer {
		return
	}
	b.Reset()
	p.pool.Put(b)
}
