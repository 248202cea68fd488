package render

import (
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"text/template"
	"time"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
)

// The render budget bounds what templates (Helm charts, ApplicationSet Go
// templates) may cost one report: time, output and, through the output
// and the size of what template functions make, memory. An overrun stops
// the template with a *BudgetError, which becomes a problem naming the
// file ("not evaluated: render budget exceeded (...)"), never a hang or an
// out-of-memory crash.
//
// How each limit is enforced:
//   - every write of a template (its output and the buffers of include and
//     tpl) goes through a counting writer that fails past
//     MaxTemplateOutput, which stops text/template at once;
//   - every function a template calls (sprig, Helm's, and the print
//     builtins, overridden) is wrapped: before the call it checks the
//     deadline and the heap, refuses arguments that would make a result
//     over MaxTemplateOutput (repeat, indent, replace, printf widths,
//     serializing a structure, lists from until/seq); after it, it refuses
//     strings over MaxTemplateOutput and lists or maps over maxListLen;
//   - the output all templates of a report keep is bounded by MaxOutput;
//   - a template runs on an executor, a goroutine other than its
//     caller's, and is abandoned there at its deadline: a loop that calls
//     no function and writes nothing cannot be interrupted in Go; it makes
//     no garbage and ends with the process.
const (
	// DefaultRenderTimeout bounds the template rendering of one report,
	// across all its charts and ApplicationSets.
	DefaultRenderTimeout = 2 * time.Minute
	// TemplateTimeout bounds one chart rendering or one ApplicationSet
	// template (within what is left of the report's budget).
	TemplateTimeout = 20 * time.Second
	// MaxTemplateOutput bounds the bytes one template execution writes
	// (including what it includes) and any single string a template
	// function returns: the largest file a snapshot reads.
	MaxTemplateOutput = 8 << 20
	// MaxOutput bounds the template output one report keeps.
	MaxOutput = 1 << 30
	// MaxHeap is the live heap above which template functions stop
	// running: a last line of defence for what the per-call limits do not
	// foresee.
	MaxHeap = 3 << 30
	// maxListLen bounds the length of a list or map a template function
	// returns (until 10000000).
	maxListLen = 1 << 20
	// abandonGrace is how long past its deadline a template that has not
	// stopped itself is waited for before it is abandoned.
	abandonGrace = time.Second
	// heapEvery is how many function calls pass between two heap reads.
	heapEvery = 256
)

// BudgetError is a template stopped by the render budget.
type BudgetError struct {
	Reason string
}

func (e *BudgetError) Error() string { return "render budget exceeded (" + e.Reason + ")" }

// IsBudget says whether err is, or wraps, a *BudgetError, and returns it.
func IsBudget(err error) (*BudgetError, bool) {
	var be *BudgetError
	ok := errors.As(err, &be)
	return be, ok
}

// Budget is the render budget of one report; share it between the Render
// calls of one report (the two states of a history report). The zero value
// is not usable: call NewBudget. Safe for concurrent use.
type Budget struct {
	timeout time.Duration

	once     sync.Once
	deadline time.Time
	used     atomic.Int64 // output kept, bytes
	heapOver atomic.Bool
}

// NewBudget returns a budget with timeout for all rendering of a report
// (DefaultRenderTimeout when timeout <= 0). The clock starts at the first
// template.
func NewBudget(timeout time.Duration) *Budget {
	if timeout <= 0 {
		timeout = DefaultRenderTimeout
	}
	return &Budget{timeout: timeout}
}

// Timeout is the budget's time for a whole report.
func (b *Budget) Timeout() time.Duration { return b.timeout }

func (b *Budget) start() time.Time {
	b.once.Do(func() { b.deadline = time.Now().Add(b.timeout) })
	return b.deadline
}

// keep charges n bytes of output kept to the report.
func (b *Budget) keep(n int64) error {
	if b.used.Add(n) > MaxOutput {
		return &BudgetError{Reason: fmt.Sprintf("the templates of this report wrote more than %s", sizeName(MaxOutput))}
	}
	return nil
}

// heapHigh reads the live heap at the heapEvery-th function call of a run
// (n: the run's count; a count shared by the runs on both cores made each
// call wait for the other core's cache line).
func (b *Budget) heapHigh(n uint32) bool {
	if b.heapOver.Load() {
		return true
	}
	if n%heapEvery != 0 {
		return false
	}
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() == metrics.KindUint64 && s[0].Value.Uint64() > MaxHeap {
		b.heapOver.Store(true)
		return true
	}
	return false
}

// tmplRun is one template execution (a chart, one ApplicationSet string).
type tmplRun struct {
	b        *Budget
	deadline time.Time
	timedOut string // the limit that set deadline, for messages
	// expired is set at the deadline by a timer: check reads it at every
	// function call, where reading the clock cost ~2% of a large report.
	expired atomic.Bool
	timer   *time.Timer
	written atomic.Int64
	calls   atomic.Uint32 // function calls, for heapHigh
	fmOnce  sync.Once
	fm      template.FuncMap
}

// run starts a template execution: TemplateTimeout, within what is left
// of the report's time. end stops its timer.
func (b *Budget) run() *tmplRun {
	now := time.Now()
	r := &tmplRun{b: b, timedOut: fmt.Sprintf("did not finish within %s", TemplateTimeout)}
	deadline := now.Add(TemplateTimeout)
	if d := b.start(); d.Before(deadline) {
		deadline = d
		r.timedOut = fmt.Sprintf("the report's rendering time of %s is used up", b.timeout)
	}
	r.setDeadline(deadline)
	return r
}

// setDeadline sets the run's deadline and the timer that marks it
// expired then.
func (r *tmplRun) setDeadline(d time.Time) {
	r.end()
	r.deadline = d
	left := time.Until(d)
	r.expired.Store(left <= 0)
	if left > 0 {
		r.timer = time.AfterFunc(left, func() { r.expired.Store(true) })
	}
}

// end stops the run's timer: what the run holds is not kept until its
// deadline.
func (r *tmplRun) end() {
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}

// check is called before every template function.
func (r *tmplRun) check() error {
	if r.expired.Load() {
		return &BudgetError{Reason: r.timedOut}
	}
	if r.b.heapHigh(r.calls.Add(1)) {
		return &BudgetError{Reason: fmt.Sprintf("the heap grew over %s while rendering", sizeName(MaxHeap))}
	}
	return nil
}

// charge counts n bytes written by the template.
func (r *tmplRun) charge(n int) error {
	if r.written.Add(int64(n)) > MaxTemplateOutput {
		return &BudgetError{Reason: fmt.Sprintf("a template wrote more than %s", sizeName(MaxTemplateOutput))}
	}
	return nil
}

// writer is a strings.Builder that stops the template past the budget.
type budgetWriter struct {
	r *tmplRun
	strings.Builder
}

func (w *budgetWriter) Write(p []byte) (int, error) {
	if err := w.r.charge(len(p)); err != nil {
		return 0, err
	}
	return w.Builder.Write(p)
}

func (w *budgetWriter) WriteString(s string) (int, error) {
	if err := w.r.charge(len(s)); err != nil {
		return 0, err
	}
	return w.Builder.WriteString(s)
}

func (r *tmplRun) writer() *budgetWriter { return &budgetWriter{r: r} }

// execute runs f in a goroutine other than the caller's and gives up at
// the run's deadline (the goroutine is abandoned: see the package comment
// on the budget). A panic of f is an error.
func (r *tmplRun) execute(f func() error) error {
	done := make(chan error, 1)
	startExecution(execution{f: f, done: done})
	// A template that calls functions stops itself at the deadline; the
	// grace lets it, so that the message does not depend on which comes
	// first (output is deterministic).
	timer := time.NewTimer(time.Until(r.deadline) + abandonGrace)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return &BudgetError{Reason: r.timedOut}
	}
}

// An execution is a template run handed to an executor: a goroutine that
// runs them one after another, keeping the stack the first one grew (a
// 500-service report runs ~1,500 charts, and a goroutine each grew a
// fresh stack for each). Up to maxIdleExecutors wait for the next
// execution, for as long as the process lives; an executor stuck in an
// abandoned execution stays there, and the next execution gets another.
type execution struct {
	f    func() error
	done chan<- error
}

const maxIdleExecutors = 8

// idleExecutors are the executors waiting for an execution.
var idleExecutors = make(chan chan execution, maxIdleExecutors)

func startExecution(e execution) {
	select {
	case ex := <-idleExecutors:
		ex <- e
	default:
		ex := make(chan execution, 1)
		ex <- e
		go executor(ex)
	}
}

func executor(ex chan execution) {
	gcpolicy.GrowStack() // a chart's execution goes deep
	for {
		e := <-ex
		e.done <- runExecution(e.f)
		select {
		case idleExecutors <- ex:
		default:
			return // enough executors wait already
		}
	}
}

// runExecution runs f, a panic of it an error.
func runExecution(f func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p, "panic")
		}
	}()
	return f()
}

// panicError is the error of a recovered panic p: a budget overrun as it
// was raised, anything else as "what: p".
func panicError(p any, what string) error {
	if e, ok := p.(error); ok {
		if _, isBudget := IsBudget(e); isBudget {
			return e
		}
	}
	return fmt.Errorf("%s: %v", what, p)
}

// budgetErr returns the budget error in err's chain, else err: a budget
// overrun is named as such however deep the template stopped.
func budgetErr(err error) error {
	if be, ok := IsBudget(err); ok {
		return be
	}
	return err
}

// funcs wraps every function of fm with the run's checks and overrides the
// print builtins with checked ones.
func (r *tmplRun) funcs(fm template.FuncMap) template.FuncMap {
	return runFuncs(func() *tmplRun { return r }, fm)
}

// runFuncs is funcs with the run looked up at each call: a template set
// bound once serves one run after another (helmparse.go).
func runFuncs(cur func() *tmplRun, fm template.FuncMap) template.FuncMap {
	out := make(template.FuncMap, len(fm)+3)
	for name, fn := range fm {
		out[name] = wrapRun(cur, name, fn)
	}
	for name, fn := range map[string]any{"print": fmt.Sprint, "printf": fmt.Sprintf, "println": fmt.Sprintln} {
		if _, ok := out[name]; !ok {
			out[name] = wrapRun(cur, name, fn)
		}
	}
	return out
}

// wrapRun returns fn with the budget checks of the run cur returns around
// each call. A refusal panics with the *BudgetError: text/template turns a
// function's panic into an error of the template.
func wrapRun(cur func() *tmplRun, name string, fn any) any {
	v := reflect.ValueOf(fn)
	if v.Kind() != reflect.Func {
		return fn
	}
	pre := preChecks[name]
	if f := typedWrap(cur, name, fn, pre); f != nil {
		return f // the same checks without reflection (helmfuncs.go)
	}
	return wrapReflect(cur, name, v, pre)
}

// wrapReflect is wrapRun for any function, by reflection.
func wrapReflect(cur func() *tmplRun, name string, v reflect.Value, pre func([]reflect.Value) int64) any {
	t := v.Type()
	return reflect.MakeFunc(t, func(args []reflect.Value) []reflect.Value {
		if err := cur().check(); err != nil {
			panic(err)
		}
		if pre != nil {
			if n := pre(args); n > MaxTemplateOutput {
				panic(&BudgetError{Reason: fmt.Sprintf("%s would make %s or more", name, sizeName(n))})
			}
		}
		var out []reflect.Value
		if t.IsVariadic() {
			out = v.CallSlice(args)
		} else {
			out = v.Call(args)
		}
		for _, o := range out {
			if err := resultTooLarge(name, o); err != nil {
				panic(err)
			}
		}
		return out
	}).Interface()
}

// resultTooLarge refuses a string over MaxTemplateOutput or a list or map
// over maxListLen.
func resultTooLarge(name string, v reflect.Value) error {
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.String:
		if v.Len() > MaxTemplateOutput {
			return &BudgetError{Reason: fmt.Sprintf("%s made a string of %s, the limit is %s", name, sizeName(int64(v.Len())), sizeName(MaxTemplateOutput))}
		}
	case reflect.Slice, reflect.Map:
		if v.Len() > maxListLen {
			return &BudgetError{Reason: fmt.Sprintf("%s made a list of %d items, the limit is %d", name, v.Len(), maxListLen)}
		}
	}
	return nil
}

// preChecks estimate, from the arguments, the size of what a function
// would make, where it can be far larger than its arguments.
var preChecks = map[string]func(args []reflect.Value) int64{
	"repeat": func(a []reflect.Value) int64 { return intArg(a, 0) * int64(len(strArg(a, 1))) },
	"indent": indentSize, "nindent": indentSize,
	"replace":                    func(a []reflect.Value) int64 { return replaceSize(strArg(a, 0), strArg(a, 1), strArg(a, 2)) },
	"regexReplaceAll":            regexReplaceSize,
	"mustRegexReplaceAll":        regexReplaceSize,
	"regexReplaceAllLiteral":     regexReplaceSize,
	"mustRegexReplaceAllLiteral": regexReplaceSize,
	"wrapWith": func(a []reflect.Value) int64 {
		s, sep := int64(len(strArg(a, 2))), int64(len(strArg(a, 1)))
		return s + s/max(intArg(a, 0), 1)*sep
	},
	"until":        func(a []reflect.Value) int64 { return listSize(intArg(a, 0)) },
	"untilStep":    func(a []reflect.Value) int64 { return listSize((intArg(a, 1) - intArg(a, 0)) / nonZero(intArg(a, 2))) },
	"seq":          seqSize,
	"randAlpha":    func(a []reflect.Value) int64 { return intArg(a, 0) },
	"randAlphaNum": func(a []reflect.Value) int64 { return intArg(a, 0) },
	"randAscii":    func(a []reflect.Value) int64 { return intArg(a, 0) },
	"randNumeric":  func(a []reflect.Value) int64 { return intArg(a, 0) },
	"printf":       printfSize,
}

func init() {
	// Functions whose result is about as large as their arguments
	// serialized: the arguments are measured (a structure may share one
	// large string many times, or contain itself).
	for _, name := range []string{"print", "println", "cat", "join", "toYaml", "toYamlPretty", "mustToYaml", "toJson",
		"mustToJson", "toPrettyJson", "mustToPrettyJson", "toRawJson", "mustToRawJson", "toToml", "toString", "toStrings",
		"b64enc", "b32enc", "quote", "squote", "deepCopy", "mustDeepCopy", "html", "js", "urlquery", "sortAlpha", "uniq"} {
		preChecks[name] = argsSize
		sizedFuncs[name] = true
	}
}

// sizedFuncs are the functions whose preCheck is argsSize.
var sizedFuncs = map[string]bool{}

func strArg(a []reflect.Value, i int) string {
	if i >= len(a) {
		return ""
	}
	v := a[i]
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	if v.Kind() == reflect.String {
		return v.String()
	}
	return fmt.Sprint(v.Interface())
}

func intArg(a []reflect.Value, i int) int64 {
	if i >= len(a) {
		return 0
	}
	v := a[i]
	for v.Kind() == reflect.Interface && !v.IsNil() {
		v = v.Elem()
	}
	switch v.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return v.Int()
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if v.Uint() > 1<<62 {
			return 1 << 62
		}
		return int64(v.Uint())
	case reflect.Float32, reflect.Float64:
		f := v.Float()
		if f > 1<<62 {
			return 1 << 62
		}
		if f < -(1 << 62) {
			return -(1 << 62)
		}
		return int64(f)
	}
	return 0
}

func nonZero(n int64) int64 {
	if n == 0 {
		return 1
	}
	return n
}

// listSize is the size a list of n items counts for: past maxListLen, over
// the limit.
func listSize(n int64) int64 {
	if n < 0 {
		n = -n
	}
	if n > maxListLen {
		return MaxTemplateOutput + 1
	}
	return n
}

func seqSize(a []reflect.Value) int64 {
	switch len(a) {
	case 0:
		return 0
	case 1:
		// seq is variadic: a single slice argument holds the parameters.
		var ints []int64
		v := a[0]
		if v.Kind() == reflect.Slice {
			for i := 0; i < v.Len() && i < 3; i++ {
				ints = append(ints, intArg([]reflect.Value{v.Index(i)}, 0))
			}
		}
		switch len(ints) {
		case 1:
			return listSize(ints[0])
		case 2:
			return listSize(ints[1] - ints[0])
		case 3:
			return listSize((ints[2] - ints[0]) / nonZero(ints[1]))
		}
	}
	return 0
}

func indentSize(a []reflect.Value) int64 {
	s := strArg(a, 1)
	return max(intArg(a, 0), 0)*int64(strings.Count(s, "\n")+1) + int64(len(s))
}

func replaceSize(old, repl, src string) int64 {
	if len(repl) <= len(old) {
		return int64(len(src))
	}
	n := int64(len(src) + 1)
	if old != "" {
		n = int64(strings.Count(src, old))
	}
	return int64(len(src)) + n*int64(len(repl)-len(old))
}

// regexReplaceSize bounds regexReplaceAll(regex, s, repl): each of at most
// len(s)+1 matches becomes repl, whose $n each expand to at most s.
func regexReplaceSize(a []reflect.Value) int64 {
	s, repl := int64(len(strArg(a, 1))), strArg(a, 2)
	per := int64(len(repl))
	if k := int64(strings.Count(repl, "$")); k > 0 {
		per += k * s
	}
	if per > 0 && (s+1) > (1<<62)/per {
		return 1 << 62
	}
	return s + (s+1)*per
}

// printfSize adds fmt's widths and precisions (at most 10^6 each) to the
// size of the arguments.
func printfSize(a []reflect.Value) int64 {
	f := strArg(a, 0)
	n := argsSize(a)
	for i := 0; i < len(f); i++ {
		if f[i] != '%' {
			continue
		}
		i++
		for i < len(f) && strings.IndexByte("+-# 0", f[i]) >= 0 {
			i++
		}
		for j := 0; j < 2 && i < len(f); j++ { // width, then precision
			if f[i] == '*' {
				n += 1e6
				i++
			} else {
				w := int64(0)
				for i < len(f) && f[i] >= '0' && f[i] <= '9' && w < 1e7 {
					w = w*10 + int64(f[i]-'0')
					i++
				}
				n += min(w, 1e6)
			}
			if i < len(f) && f[i] == '.' {
				i++
				continue
			}
			break
		}
	}
	return n
}

// argsSize estimates the serialized size of the arguments, stopping past
// MaxTemplateOutput (so a structure that contains itself is measured in
// bounded time).
func argsSize(a []reflect.Value) int64 {
	var n int64
	for _, v := range a {
		n += valueSize(v, MaxTemplateOutput+1-n)
		if n > MaxTemplateOutput {
			break
		}
	}
	return n
}

// valueSize estimates the serialized size of v, returning early once it is
// over limit.
func valueSize(v reflect.Value, limit int64) int64 {
	return valueSizeOf(v, limit, true)
}

// valueSizeOf is valueSize; typed: values that decoding YAML or JSON makes
// are walked without reflection (budgetsize.go), to the same sum.
func valueSizeOf(v reflect.Value, limit int64, typed bool) int64 {
	var n int64
	var walk func(v reflect.Value, depth int)
	plain := &plainSizer{n: &n, limit: limit, reflected: func(v reflect.Value, depth int) { walk(v, depth) }}
	walk = func(v reflect.Value, depth int) {
		if n > limit {
			return
		}
		if depth > 10000 {
			n = limit + 1
			return
		}
		switch v.Kind() {
		case reflect.Interface, reflect.Pointer:
			if !v.IsNil() {
				if typed && v.Kind() == reflect.Interface && v.CanInterface() {
					plain.elem(v.Elem().Interface(), depth+1)
					return
				}
				walk(v.Elem(), depth+1)
			}
		case reflect.String:
			n += int64(v.Len()) + 2
		case reflect.Slice, reflect.Array:
			if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
				n += int64(v.Len())
				return
			}
			n += 2
			for i := 0; i < v.Len() && n <= limit; i++ {
				walk(v.Index(i), depth+1)
				n++
			}
		case reflect.Map:
			n += 2
			it := v.MapRange()
			for it.Next() && n <= limit {
				walk(it.Key(), depth+1)
				walk(it.Value(), depth+1)
				n += 2
			}
		case reflect.Struct:
			for i := 0; i < v.NumField() && n <= limit; i++ {
				if v.Type().Field(i).IsExported() {
					walk(v.Field(i), depth+1)
				}
			}
		default:
			n += 8
		}
	}
	walk(v, 0)
	return n
}

// sizeName is n bytes for people: "8 MiB".
func sizeName(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

var _ io.StringWriter = (*budgetWriter)(nil)

// expand runs f, the expansion of one ApplicationSet template for one
// generator element, as one template run: its own executor, deadline and
// output cap. The output it keeps counts towards the report.
func (b *Budget) expand(f func(run *tmplRun) (any, error)) (any, error) {
	run := b.run()
	defer run.end()
	var out any
	err := run.execute(func() error {
		var err error
		out, err = f(run)
		return err
	})
	if err == nil {
		err = b.keep(run.written.Load())
	}
	return out, budgetErr(err)
}

// appSetFuncs is the ApplicationSet function map (templateFuncs) under the
// run's checks, made once per run.
func (r *tmplRun) appSetFuncs() template.FuncMap {
	r.fmOnce.Do(func() { r.fm = r.funcs(templateFuncs) })
	return r.fm
}

// keepAll charges a chart's output to the report.
func (b *Budget) keepAll(out map[string]string) error {
	var n int64
	for _, s := range out {
		n += int64(len(s))
	}
	return b.keep(n)
}

// maxMessage bounds a problem message from a template engine or kustomize.
const maxMessage = 1000

// shortMessage cuts a long error message: a chain of nested calls
// ("error calling include: ... error calling include: ...", 98 KB for a
// recursive include) keeps its first two and last two links, and the
// result is at most maxMessage bytes (its start and its end, where the
// cause is).
func shortMessage(msg string) string {
	const sep = ": error calling "
	if parts := strings.Split(msg, sep); len(parts) > 5 {
		msg = strings.Join(parts[:2], sep) + fmt.Sprintf(": … %d nested calls … ", len(parts)-4) + "error calling " + strings.Join(parts[len(parts)-2:], sep)
	}
	msg = strings.ToValidUTF8(msg, "\ufffd")
	if len(msg) <= maxMessage {
		return msg
	}
	head, tail := msg[:maxMessage/2], msg[len(msg)-maxMessage/2:]
	head = strings.ToValidUTF8(head, "")
	tail = strings.ToValidUTF8(tail, "")
	return head + fmt.Sprintf(" … (%d bytes cut) … ", len(msg)-len(head)-len(tail)) + tail
}

// dropFirst drops the first element of a slash-separated path (the chart
// name of a Helm template name).
func dropFirst(p string) string {
	if i := strings.IndexByte(p, '/'); i >= 0 {
		return p[i+1:]
	}
	return p
}
