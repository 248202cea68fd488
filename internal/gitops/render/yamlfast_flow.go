package render

import "bytes"

// flowSequence reads the one-line flow sequence of scalars c starts with
// ("[a, 'b', \"c\"]" or "[ ]"), followed by spaces and a comment at most;
// false for anything else (nested collections, a ":", "#", "?" (it ends a
// plain scalar in a flow collection) or an indicator in a plain item, an
// empty item, a sequence going on on the next line), which the decoder
// reads.
func (p *fastParser) flowSequence(c []byte) ([]any, bool) {
	list := []any{}
	i := 1
	skip := func() {
		for i < len(c) && c[i] == ' ' {
			i++
		}
	}
	skip()
	if i < len(c) && c[i] == ']' {
		return list, lineEnd(c[i+1:], true)
	}
	for {
		skip()
		if i >= len(c) {
			return nil, false
		}
		if c[i] == '"' || c[i] == '\'' {
			s, rest, ok := p.quoted(c[i:])
			if !ok {
				return nil, false
			}
			list = append(list, s)
			i = len(c) - len(rest)
		} else {
			j := i
			for j < len(c) && c[j] != ',' && c[j] != ']' {
				if bytes.IndexByte([]byte("[{}:#\"'?"), c[j]) >= 0 {
					return nil, false
				}
				j++
			}
			item := bytes.TrimRight(c[i:j], " ")
			if len(item) == 0 || bytes.IndexByte([]byte("?,&*!|>%@`<"), item[0]) >= 0 || dash(item) {
				return nil, false
			}
			v, ok := p.resolve(p.str(item))
			if !ok {
				return nil, false
			}
			list = append(list, v)
			i = j
		}
		skip()
		if i >= len(c) {
			return nil, false
		}
		if c[i] == ']' {
			return list, lineEnd(c[i+1:], true)
		}
		if c[i] != ',' {
			return nil, false
		}
		i++
	}
}
