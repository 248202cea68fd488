package render

import "reflect"

// Typed wrappers: the budget's checks around the functions charts call
// most, without reflect.MakeFunc. A function wrapped by reflection is
// called through reflection twice (text/template calls the wrapper, the
// wrapper calls the function), which costs a third of a chart's
// execution. These give exactly what wrapRun's reflective wrapper gives:
// the same checks before the call (the preCheck sees arguments of the
// parameters' types, as reflection passes them), the same refusal of a
// result, the same panics.

// typedWrap returns fn wrapped with the checks of the run cur returns, or
// nil for a signature it does not know (wrapRun then wraps it by
// reflection).
func typedWrap(cur func() *tmplRun, name string, fn any, pre func([]reflect.Value) int64) any {
	c := &typedCheck{cur: cur, name: name, pre: pre, sized: sizedFuncs[name]}
	switch f := fn.(type) {
	case func(string) string: // trim, lower, b64enc, ...
		return func(a string) string {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a)} })
			return c.str(f(a))
		}
	case func(int, string) string: // indent, nindent, repeat
		return func(a int, b string) string {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a), argOf(b)} })
			return c.str(f(a, b))
		}
	case func(any) string: // toYaml, toJson, toString
		return func(a any) string {
			if s, ok := a.(string); !ok || !c.enterSized(int64(len(s))+2) {
				c.enter(func() []reflect.Value { return []reflect.Value{argOf(a)} })
			}
			return c.str(f(a))
		}
	case func(...any) string: // quote, squote, cat, print
		return func(a ...any) string {
			if n, ok := stringsSize(a); !ok || !c.enterSized(n) {
				c.enter(func() []reflect.Value { return []reflect.Value{argOf(a)} })
			}
			return c.str(f(a...))
		}
	case func(string, ...any) string: // printf
		return func(a string, b ...any) string {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a), argOf(b)} })
			return c.str(f(a, b...))
		}
	case func(any) int64: // int64
		return func(a any) int64 {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a)} })
			return f(a)
		}
	case func(any) bool: // empty
		return func(a any) bool {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a)} })
			return f(a)
		}
	case func(map[string]any, string) bool: // hasKey
		return func(a map[string]any, b string) bool {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a), argOf(b)} })
			return f(a, b)
		}
	case func(any, ...any) any: // default
		return func(a any, b ...any) any {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a), argOf(b)} })
			out := f(a, b...)
			c.fits(argOf(out))
			return out
		}
	case func(...any) map[string]any: // dict
		return func(a ...any) map[string]any {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a)} })
			out := f(a...)
			c.fits(argOf(out))
			return out
		}
	case func(string, any) (string, error): // include, tpl
		return func(a string, b any) (string, error) {
			c.enter(func() []reflect.Value { return []reflect.Value{argOf(a), argOf(b)} })
			out, err := f(a, b)
			c.str(out)
			c.fits(argOf(err))
			return out, err
		}
	}
	return nil
}

// argOf is a as reflection passes an argument of type T: an interface
// parameter stays an interface value.
func argOf[T any](a T) reflect.Value { return reflect.ValueOf(&a).Elem() }

// typedCheck is the budget's checks of one wrapped function.
type typedCheck struct {
	cur  func() *tmplRun
	name string
	pre  func([]reflect.Value) int64
	// sized: pre is argsSize.
	sized bool
}

// enterSized is enter for a function whose pre is argsSize, given n, the
// size argsSize gives its arguments when they are strings; false where it
// did not check (not sized, or over the limit: enter then refuses the call
// with argsSize's own figure, which stops counting early).
func (c *typedCheck) enterSized(n int64) bool {
	if !c.sized || n > MaxTemplateOutput {
		return false
	}
	if err := c.cur().check(); err != nil {
		panic(err)
	}
	return true
}

// stringsSize is argsSize of a variadic []any argument of strings: the
// list's 2, and each string's length, 2 and 1; ok false if one is not a
// string.
func stringsSize(a []any) (n int64, ok bool) {
	n = 2
	for _, x := range a {
		s, isStr := x.(string)
		if !isStr {
			return 0, false
		}
		n += int64(len(s)) + 3
	}
	return n, true
}

// enter runs the checks before a call; args are made only for a function
// with a preCheck.
func (c *typedCheck) enter(args func() []reflect.Value) {
	if err := c.cur().check(); err != nil {
		panic(err)
	}
	if c.pre != nil {
		if n := c.pre(args()); n > MaxTemplateOutput {
			panic(&BudgetError{Reason: c.name + " would make " + sizeName(n) + " or more"})
		}
	}
}

// fits refuses a result as resultTooLarge does.
func (c *typedCheck) fits(v reflect.Value) {
	if err := resultTooLarge(c.name, v); err != nil {
		panic(err)
	}
}

// str refuses a string result over MaxTemplateOutput.
func (c *typedCheck) str(s string) string {
	if len(s) > MaxTemplateOutput {
		c.fits(reflect.ValueOf(s))
	}
	return s
}
