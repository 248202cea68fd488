package main

import "io"

// chunks holds a report as it is rendered, in chunks that are never
// copied to grow (a bytes.Buffer doubling to hold a report of tens of MB
// would write about twice that into fresh memory), so that nothing is
// written before the whole report is made.
type chunks struct {
	list [][]byte
	size int // bytes held
}

const chunkSize = 256 << 10 // fits the holes the scan's collection leaves in the heap (1 MB chunks took ~5 MB more fresh memory)

func (c *chunks) Write(p []byte) (int, error) {
	n := len(p)
	c.size += n
	for len(p) > 0 {
		if len(c.list) == 0 || len(c.list[len(c.list)-1]) == cap(c.list[len(c.list)-1]) {
			c.list = append(c.list, make([]byte, 0, chunkSize))
		}
		last := &c.list[len(c.list)-1]
		k := min(len(p), cap(*last)-len(*last))
		*last = append(*last, p[:k]...)
		p = p[k:]
	}
	return n, nil
}

// WriteTo writes the chunks to w in order.
func (c *chunks) WriteTo(w io.Writer) (int64, error) {
	var n int64
	for _, b := range c.list {
		k, err := w.Write(b)
		n += int64(k)
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
