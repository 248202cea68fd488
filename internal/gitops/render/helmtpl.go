package render

// The Helm template engine, under the render budget.
//
// This is helm.sh/helm/v3/pkg/engine (v3.22.0: engine.go, funcs.go,
// files.go; Copyright The Helm Authors, Apache License 2.0) as `helm
// template` runs it without a cluster (not strict, not linting, no lookup,
// no DNS), with three changes: every write, including the buffers of
// include and tpl, goes through the run's counting writer; every function
// is wrapped with the budget's checks (budget.go); and the templates of a
// chart run in one goroutine abandoned at the run's deadline. Helm's engine
// offers no hook for either: its writers and function map are built inside
// Engine.Render. helmtpl_test.go checks that both engines give the same
// output for every chart of the repository's test data.

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"path"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/BurntSushi/toml"
	"github.com/Masterminds/sprig/v3"
	"github.com/gobwas/glob"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
	"sigs.k8s.io/yaml"
	goYaml "sigs.k8s.io/yaml/goyaml.v3"
)

// helmRenderable is one template with its values.
type helmRenderable struct {
	tpl      string
	vals     chartutil.Values
	basePath string
	// template, when set, is .Template, shared by renderings that change
	// none of it (the compiled executor, of a chart loaded once).
	template chartutil.Values
}

const (
	helmWarnStart      = "HELM_ERR_START"
	helmWarnEnd        = "HELM_ERR_END"
	helmRecursionLimit = 1000
)

var helmWarnRegex = regexp.MustCompile(helmWarnStart + `((?s).*)` + helmWarnEnd)

func helmWarnWrap(warn string) string { return helmWarnStart + warn + helmWarnEnd }

// helmChartRun is the rendering of one chart.
type helmChartRun struct {
	r *tmplRun
	// mu guards current, the template being executed (for messages; read
	// after an abandoned run too).
	mu      sync.Mutex
	current string
	// parsed, when set, shares parsed template sets between the runs of
	// one Render (helmparse.go).
	parsed *parsedTemplates
	// texts, when set, holds the templates' outputs (textarena.go).
	texts *textArena
	// chart is the chart rendered when it has no dependencies: loaded
	// once and never modified, so its templates are known by it.
	chart *chart.Chart
	// copied, when set, gives copies of the values helmRender is given,
	// which share maps and lists with others: the compiled executor
	// changes none, text/template renders from the copies.
	copied func() chartutil.Values
	// copies are the templates with copied's values.
	copies func() map[string]helmRenderable
	// keys, when set, are the templates in execution order.
	keys []string
	// rootVals are the data of the templates without values of their own
	// (rootTemplates).
	rootVals chartutil.Values
}

// valsOf is the data of template t.
func (c *helmChartRun) valsOf(t helmRenderable) chartutil.Values {
	if t.vals == nil {
		return c.rootVals
	}
	return t.vals
}

func (c *helmChartRun) setCurrent(name string) {
	c.mu.Lock()
	c.current = name
	c.mu.Unlock()
}

// Current is the template that was executing last.
func (c *helmChartRun) Current() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.current
}

// helmRender is engine.Render(chrt, values) under the run's budget.
func helmRender(c *helmChartRun, chrt *chart.Chart, values chartutil.Values) (map[string]string, error) {
	var tmap map[string]helmRenderable
	var texts func(*chart.File) string
	if chrt.Metadata.Dependencies == nil && len(chrt.Dependencies()) == 0 {
		c.chart = chrt // loaded once and shared (loadChart)
		texts = c.parsed.text
	}
	var root *rootTemplates
	if c.chart != nil {
		root = c.parsed.root(c.chart)
	}
	if root != nil {
		tmap, c.keys, c.rootVals = root.tmpls, root.names, root.values(values)
	} else {
		tmap = map[string]helmRenderable{}
		helmAllTemplates(chrt, tmap, values, texts)
	}
	if c.copied != nil {
		c.copies = func() map[string]helmRenderable {
			copies := make(map[string]helmRenderable, len(tmap))
			helmAllTemplates(chrt, copies, c.copied(), texts)
			return copies
		}
	}
	var out map[string]string
	err := c.r.execute(func() error {
		var err error
		out, err = c.render(tmap)
		return err
	})
	return out, budgetErr(err)
}

// helmSlot is what the functions of a bound template set (helmparse.go)
// reach through: the run executing it, set before each execution, and the
// include counts of that run.
type helmSlot struct {
	c        *helmChartRun
	included map[string]int
	// rules and cache keep include results (helminclude.go).
	rules *includeRules
	cache includeCache
	// wrapped is the function map bound (bindFuncs); fxFns are its
	// functions in the order of fxProg's calls (helmexec.go).
	wrapped template.FuncMap
	fxProg  *fxProg
	fxFns   []any
	fxBuf   []byte // the executor's output buffer, kept between runs
}

func (s *helmSlot) run() *tmplRun { return s.c.r }

func (s *helmSlot) includeFun(t *template.Template) func(string, any) (string, error) {
	return func(name string, data any) (string, error) {
		k, keep := s.cache.key(name, data)
		if keep {
			if r, ok := s.cache.get(k); ok {
				// what executing it wrote, as if it had (the budget)
				if err := s.c.r.charge(int(r.written)); err != nil {
					return "", err
				}
				return r.out, nil
			}
		}
		includedNames := s.included
		if v, ok := includedNames[name]; ok {
			if v > helmRecursionLimit {
				return "", fmt.Errorf("rendering template has a nested reference name: %s: unable to execute template", name)
			}
			includedNames[name]++
		} else {
			includedNames[name] = 1
		}
		buf := s.c.r.writer()
		before, gen := s.c.r.written.Load(), s.cache.gen
		err := t.ExecuteTemplate(buf, name, data)
		includedNames[name]--
		if keep && err == nil && s.cache.gen == gen {
			s.cache.put(k, includeResult{out: buf.String(), written: s.c.r.written.Load() - before, data: data})
		}
		return buf.String(), err
	}
}

func (s *helmSlot) tplFun(parent *template.Template) func(string, any) (string, error) {
	return func(tpl string, vals any) (string, error) {
		t, err := parent.Clone()
		if err != nil {
			return "", fmt.Errorf("cannot clone template: %w", err)
		}
		t.Option("missingkey=zero")
		t.Funcs(runFuncs(s.run, template.FuncMap{
			"include": s.includeFun(t),
			"tpl":     s.tplFun(t),
		}))
		t, err = t.New(parent.Name()).Parse(tpl)
		if err != nil {
			return "", fmt.Errorf("cannot parse template %q: %w", tpl, err)
		}
		buf := s.c.r.writer()
		if err := t.Execute(buf, vals); err != nil {
			return "", fmt.Errorf("error during tpl function execution for %q: %w", tpl, err)
		}
		return strings.ReplaceAll(buf.String(), "<no value>", ""), nil
	}
}

// bindFuncs binds Helm's functions to t through s.
func (s *helmSlot) bindFuncs(t *template.Template) {
	s.wrapped = s.funcMap(t)
	t.Funcs(s.wrapped)
}

// funcMap is Helm's function map bound to t through s, under the budget.
func (s *helmSlot) funcMap(t *template.Template) template.FuncMap {
	fm := helmFuncMap()
	fm["include"] = s.includeFun(t)
	fm["tpl"] = s.tplFun(t)
	s.bindMutators(fm)
	fm["required"] = func(warn string, val any) (any, error) {
		if val == nil {
			return val, fmt.Errorf("%s", helmWarnWrap(warn))
		} else if s, ok := val.(string); ok && s == "" {
			return val, fmt.Errorf("%s", helmWarnWrap(warn))
		}
		return val, nil
	}
	fm["fail"] = func(msg string) (string, error) { return "", fmt.Errorf("%s", helmWarnWrap(msg)) }
	fm["getHostByName"] = func(_ string) string { return "" }
	return runFuncs(s.run, fm)
}

func (c *helmChartRun) render(tpls map[string]helmRenderable) (rendered map[string]string, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = panicError(r, "rendering template failed")
		}
	}()
	keys := c.keys
	if keys == nil {
		keys = helmSortTemplates(tpls)
	}
	set, err := c.parse(tpls, keys)
	if err != nil {
		return map[string]string{}, err
	}
	// Back to its pool once this goroutine is done with it, even when the
	// run was abandoned at its deadline and someone else reports it.
	defer set.release()
	set.slot.cache.start(set.slot.rules, tpls, c.rootVals)
	if fastExec && set.slot.rules != nil {
		if prog := set.slot.rules.program(); prog != nil {
			if out, ok := c.fastRender(set, prog, tpls, keys); ok {
				fxStats.fast.Add(1)
				return out, nil
			}
			fxStats.stopped.Add(1)
			set.slot.cache.start(set.slot.rules, tpls, c.rootVals) // what the run kept goes
		} else {
			fxStats.slow.Add(1)
		}
	}
	if c.copies != nil {
		tpls = c.copies() // text/template may change values
		set.slot.cache.start(set.slot.rules, tpls, c.rootVals)
	}
	t := set.t
	rendered = make(map[string]string, len(keys))
	for _, filename := range keys {
		if strings.HasPrefix(path.Base(filename), "_") {
			continue
		}
		c.setCurrent(filename)
		c.r.written.Store(0) // the cap is per template
		vals := c.valsOf(tpls[filename])
		vals["Template"] = chartutil.Values{"Name": filename, "BasePath": tpls[filename].basePath}
		buf := c.r.writer()
		if err := t.ExecuteTemplate(buf, filename, vals); err != nil {
			return map[string]string{}, helmExecError(filename, err)
		}
		rendered[filename] = strings.ReplaceAll(buf.String(), "<no value>", "")
	}
	return rendered, nil
}

func helmParseError(filename string, err error) error {
	tokens := strings.Split(err.Error(), ": ")
	if len(tokens) == 1 {
		return fmt.Errorf("parse error in (%s): %s", filename, err)
	}
	return fmt.Errorf("parse error at (%s): %s", tokens[1], tokens[len(tokens)-1])
}

func helmExecError(filename string, err error) error {
	if _, ok := IsBudget(err); ok {
		return err
	}
	if _, isExecError := err.(template.ExecError); !isExecError {
		return err
	}
	tokens := strings.SplitN(err.Error(), ": ", 3)
	if len(tokens) != 3 {
		return fmt.Errorf("execution error in (%s): %s", filename, err)
	}
	if parts := helmWarnRegex.FindStringSubmatch(tokens[2]); len(parts) >= 2 {
		return fmt.Errorf("execution error at (%s): %s", tokens[1], parts[1])
	}
	return err
}

func helmSortTemplates(tpls map[string]helmRenderable) []string {
	keys := make([]string, 0, len(tpls))
	for key := range tpls {
		keys = append(keys, key)
	}
	sort.Slice(keys, func(i, j int) bool {
		// Helm: sort.Reverse(byPathLen): deeper paths first, then names in
		// reverse order.
		a, b := keys[j], keys[i]
		ca, cb := strings.Count(a, "/"), strings.Count(b, "/")
		if ca == cb {
			return a < b
		}
		return ca < cb
	})
	return keys
}

// helmAllTemplates collects the templates of a chart and its dependencies
// with their scoped values (Helm's recAllTpls); text, when set, gives a
// template's text (string(f.Data)).
func helmAllTemplates(c *chart.Chart, templates map[string]helmRenderable, vals chartutil.Values, text func(*chart.File) string) map[string]any {
	subCharts := map[string]any{}
	chartMetaData := struct {
		chart.Metadata
		IsRoot bool
	}{*c.Metadata, c.IsRoot()}
	next := map[string]any{
		"Chart":        chartMetaData,
		"Files":        newHelmFiles(c.Files),
		"Release":      vals["Release"],
		"Capabilities": vals["Capabilities"],
		"Values":       make(chartutil.Values),
		"Subcharts":    subCharts,
	}
	if c.IsRoot() {
		next["Values"] = vals["Values"]
	} else if vs, err := vals.Table("Values." + c.Name()); err == nil {
		next["Values"] = vs
	}
	for _, child := range c.Dependencies() {
		subCharts[child.Name()] = helmAllTemplates(child, templates, next, text)
	}
	parentID := c.ChartFullPath()
	library := strings.EqualFold(c.Metadata.Type, "library")
	for _, t := range c.Templates {
		if t == nil || library && !strings.HasPrefix(filepath.Base(t.Name), "_") {
			continue
		}
		var tpl string
		if text != nil {
			tpl = text(t)
		} else {
			tpl = string(t.Data)
		}
		templates[path.Join(parentID, t.Name)] = helmRenderable{tpl: tpl, vals: next, basePath: path.Join(parentID, "templates")}
	}
	return next
}

// helmFuncMap is Helm's function map: sprig without env and expandenv,
// plus Helm's own (include, tpl, required, fail are bound per chart).
func helmFuncMap() template.FuncMap {
	f := sprig.TxtFuncMap()
	delete(f, "env")
	delete(f, "expandenv")
	for k, v := range (template.FuncMap{
		"toToml": helmToTOML, "fromToml": helmFromTOML,
		"toYaml": helmToYAML, "toYamlPretty": helmToYAMLPretty, "fromYaml": helmFromYAML, "fromYamlArray": helmFromYAMLArray,
		"toJson": helmToJSON, "fromJson": helmFromJSON, "fromJsonArray": helmFromJSONArray,
		"lookup": func(string, string, string, string) (map[string]any, error) { return map[string]any{}, nil },
	}) {
		f[k] = v
	}
	return f
}

func helmToYAML(v any) string {
	// yaml.Marshal is json.Marshal and then JSONToYAML, which parses the
	// JSON again as YAML and writes it: the second step is where the time
	// goes, and charts convert the same values (labels, probes) over and
	// over, so its result is kept by the JSON it was made from. The values
	// charts convert most are written directly (helmtoyaml.go).
	if s, ok := fastToYAML(v); ok {
		return s
	}
	j, err := marshalJSON(v)
	if err != nil {
		return ""
	}
	if s, ok := toYAMLCache.get(j); ok {
		return s
	}
	data, err := yaml.JSONToYAML(j)
	if err != nil {
		return ""
	}
	s := strings.TrimSuffix(string(data), "\n")
	toYAMLCache.put(j, s)
	return s
}

// toYAMLCache keeps toYaml's results of small values, by their JSON, for
// the whole process (renders run in parallel); it is emptied when it holds
// more than its budget, so a chart with ever new values costs no memory.
var toYAMLCache = &yamlCache{max: 16 << 20, maxKey: 4 << 10}

type yamlCache struct {
	mu          sync.Mutex
	m           map[string]string
	size        int
	max, maxKey int
}

func (c *yamlCache) get(j []byte) (string, bool) {
	if len(j) > c.maxKey {
		return "", false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	s, ok := c.m[string(j)]
	return s, ok
}

func (c *yamlCache) put(j []byte, s string) {
	if len(j) > c.maxKey {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.size+len(j)+len(s) > c.max {
		c.m, c.size = map[string]string{}, 0
	}
	c.m[string(j)] = s
	c.size += len(j) + len(s)
}

func helmToYAMLPretty(v any) string {
	var data bytes.Buffer
	encoder := goYaml.NewEncoder(&data)
	encoder.SetIndent(2)
	if err := encoder.Encode(v); err != nil {
		return ""
	}
	return strings.TrimSuffix(data.String(), "\n")
}

func helmFromYAML(str string) map[string]any {
	m := map[string]any{}
	if err := yaml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func helmFromYAMLArray(str string) []any {
	a := []any{}
	if err := yaml.Unmarshal([]byte(str), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}

func helmToTOML(v any) string {
	b := bytes.NewBuffer(nil)
	if err := toml.NewEncoder(b).Encode(v); err != nil {
		return err.Error()
	}
	return b.String()
}

func helmFromTOML(str string) map[string]any {
	m := map[string]any{}
	if err := toml.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func helmToJSON(v any) string {
	data, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(data)
}

func helmFromJSON(str string) map[string]any {
	m := map[string]any{}
	if err := json.Unmarshal([]byte(str), &m); err != nil {
		m["Error"] = err.Error()
	}
	return m
}

func helmFromJSONArray(str string) []any {
	a := []any{}
	if err := json.Unmarshal([]byte(str), &a); err != nil {
		a = []any{err.Error()}
	}
	return a
}

// helmFiles is .Files: a chart's files.
type helmFiles map[string][]byte

func newHelmFiles(from []*chart.File) helmFiles {
	files := make(helmFiles, len(from))
	for _, f := range from {
		files[f.Name] = f.Data
	}
	return files
}

// GetBytes is the file name's content, empty if there is none.
func (f helmFiles) GetBytes(name string) []byte {
	if v, ok := f[name]; ok {
		return v
	}
	return []byte{}
}

// Get is the file name's content as a string.
func (f helmFiles) Get(name string) string { return string(f.GetBytes(name)) }

// Glob is the files matching pattern.
func (f helmFiles) Glob(pattern string) helmFiles {
	g, err := glob.Compile(pattern, '/')
	if err != nil {
		g, _ = glob.Compile("**")
	}
	nf := newHelmFiles(nil)
	for name, contents := range f {
		if g.Match(name) {
			nf[name] = contents
		}
	}
	return nf
}

// AsConfig is the files as the YAML data of a ConfigMap.
func (f helmFiles) AsConfig() string {
	if f == nil {
		return ""
	}
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = string(v)
	}
	return helmToYAML(m)
}

// AsSecrets is the files as the base64 YAML data of a Secret.
func (f helmFiles) AsSecrets() string {
	if f == nil {
		return ""
	}
	m := map[string]string{}
	for k, v := range f {
		m[path.Base(k)] = base64.StdEncoding.EncodeToString(v)
	}
	return helmToYAML(m)
}

// Lines is the lines of the file.
func (f helmFiles) Lines(path string) []string {
	if f == nil || len(f[path]) == 0 {
		return []string{}
	}
	s := string(f[path])
	if s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return strings.Split(s, "\n")
}
