package render

import (
	"reflect"

	"helm.sh/helm/v3/pkg/chartutil"
)

// plainSizer is valueSize's walk over the values templates pass most
// (maps, lists and scalars of decoded values) with a type switch instead
// of reflection: the same sum, the same early stop past limit, the same
// depth bound; other values go back to the reflective walk.
type plainSizer struct {
	n         *int64
	limit     int64
	reflected func(v reflect.Value, depth int)
}

// stop is the walk's check on entering a value at depth.
func (s *plainSizer) stop(depth int) bool {
	if *s.n > s.limit {
		return true
	}
	if depth > 10000 {
		*s.n = s.limit + 1
		return true
	}
	return false
}

// iface walks an element of a map or list: an interface value at depth.
func (s *plainSizer) iface(x any, depth int) {
	if s.stop(depth) || x == nil {
		return
	}
	s.elem(x, depth+1)
}

// elem walks x, the value an interface at depth-1 holds.
func (s *plainSizer) elem(x any, depth int) {
	switch x := x.(type) {
	case string:
		if !s.stop(depth) {
			*s.n += int64(len(x)) + 2
		}
	case bool, int, int64, uint64, float64:
		if !s.stop(depth) {
			*s.n += 8
		}
	case map[string]any:
		s.mapping(x, depth)
	case chartutil.Values:
		s.mapping(x, depth)
	case []any:
		if s.stop(depth) {
			return
		}
		*s.n += 2
		for i := 0; i < len(x) && *s.n <= s.limit; i++ {
			s.iface(x[i], depth+1)
			*s.n++
		}
	default:
		s.reflected(reflect.ValueOf(x), depth)
	}
}

func (s *plainSizer) mapping(m map[string]any, depth int) {
	if s.stop(depth) {
		return
	}
	*s.n += 2
	for k, e := range m {
		if *s.n > s.limit {
			break
		}
		if !s.stop(depth + 1) {
			*s.n += int64(len(k)) + 2
		}
		s.iface(e, depth+1)
		*s.n += 2
	}
}
