package render

import (
	"crypto/sha256"
	"encoding/hex"
	"sync"
	"text/template"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// A chart is rendered once per release and environment: its templates are
// parsed once per Render and kept, with sets of them bound to Helm's
// functions for reuse. Binding (sprig's map, the budget's wrappers, and
// text/template's checks of each function) costs about as much as a small
// chart's execution, so a bound set is not made per rendering but taken
// from a pool: its functions reach the run executing it through its slot,
// set before each run. A set goes back to the pool only once the
// goroutine executing it is done (a run abandoned at its deadline keeps
// it). Execution never modifies a parsed tree, so a set executed before
// gives what a fresh parse gives.

// helmSet is a template set bound to Helm's functions through slot.
type helmSet struct {
	t    *template.Template
	slot *helmSlot
	from *parsedSet // the pool it goes back to; nil for a set of one run
}

// parsedSet is a parsed template set and its pool of bound clones.
type parsedSet struct {
	base  *template.Template // parsed, never bound to a run nor executed
	rules *includeRules      // which include results base's clones keep
	mu    sync.Mutex
	free  []*helmSet
}

// maxFreeSets bounds a pool: one set per rendering running at once.
const maxFreeSets = 64

// parsedTemplates are parsed chart template sets by the hash of their
// names and texts, for the renderings of one Render.
type parsedTemplates struct {
	mu    sync.Mutex
	m     map[string]*parsedSet
	keys  map[*chart.Chart]string // the key of a chart's templates (a chart loaded once)
	kinds map[string][]kindAt     // templates' kind lines, by file (helmlines.go)
	texts map[*chart.File]string  // the texts of the templates of charts loaded once
	roots map[*chart.Chart]*rootTemplates
}

// rootTemplates is what helmAllTemplates makes of a chart loaded once
// (without dependencies) that does not depend on the values, made once
// per Render and shared by its renderings, which change none of it.
type rootTemplates struct {
	chart any       // .Chart
	files helmFiles // .Files
	names []string  // the templates in execution order (helmSortTemplates)
	tmpls map[string]helmRenderable
}

// root is the rootTemplates of ch, a chart loaded once without
// dependencies; nil for a nil p.
func (p *parsedTemplates) root(ch *chart.Chart) *rootTemplates {
	if p == nil {
		return nil
	}
	p.mu.Lock()
	r := p.roots[ch]
	p.mu.Unlock()
	if r != nil {
		return r
	}
	r = &rootTemplates{tmpls: map[string]helmRenderable{}}
	next := helmAllTemplates(ch, r.tmpls, chartutil.Values{}, p.text)
	r.chart, r.files = next["Chart"], next["Files"].(helmFiles)
	for name, t := range r.tmpls {
		t.vals, t.template = nil, chartutil.Values{"Name": name, "BasePath": t.basePath}
		r.tmpls[name] = t
	}
	r.names = helmSortTemplates(r.tmpls)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.roots == nil {
		p.roots = map[*chart.Chart]*rootTemplates{}
	}
	if kept := p.roots[ch]; kept != nil {
		return kept
	}
	p.roots[ch] = r
	return r
}

// values are the data of r's templates (their vals nil) with the values
// vals, as helmAllTemplates makes them.
func (r *rootTemplates) values(vals chartutil.Values) chartutil.Values {
	return map[string]any{
		"Chart":        r.chart,
		"Files":        r.files,
		"Release":      vals["Release"],
		"Capabilities": vals["Capabilities"],
		"Values":       vals["Values"],
		"Subcharts":    map[string]any{},
	}
}

// text is string(f.Data) for a template of a chart loaded once and shared
// by its renderings (never modified), converted once per Render; nil p:
// converted each time.
func (p *parsedTemplates) text(f *chart.File) string {
	if p == nil {
		return string(f.Data)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	s, ok := p.texts[f]
	if !ok {
		if p.texts == nil {
			p.texts = map[*chart.File]string{}
		}
		s = string(f.Data)
		p.texts[f] = s
	}
	return s
}

// parse returns a chart's templates (keys: their names in execution
// order) as one template set bound to Helm's functions for run c. With
// c.parsed set, a set parsed before from the same names and texts is
// reused.
func (c *helmChartRun) parse(tpls map[string]helmRenderable, keys []string) (*helmSet, error) {
	if c.parsed == nil {
		set := &helmSet{slot: &helmSlot{c: c, included: map[string]int{}}}
		t, err := c.parseSet(tpls, keys, set.slot)
		set.t = t
		if err == nil {
			set.slot.rules = newIncludeRules(t)
		}
		return set, err
	}
	c.parsed.mu.Lock()
	key, known := c.parsed.keys[c.chart]
	c.parsed.mu.Unlock()
	if !known {
		h := sha256.New()
		for _, k := range keys {
			h.Write([]byte(k))
			h.Write([]byte{0})
			h.Write([]byte(tpls[k].tpl))
			h.Write([]byte{0})
		}
		key = hex.EncodeToString(h.Sum(nil))
	}
	c.parsed.mu.Lock()
	if c.chart != nil && !known {
		if c.parsed.keys == nil {
			c.parsed.keys = map[*chart.Chart]string{}
		}
		c.parsed.keys[c.chart] = key
	}
	ps, ok := c.parsed.m[key]
	c.parsed.mu.Unlock()
	if !ok {
		t, err := c.parseSet(tpls, keys, &helmSlot{c: c})
		if err != nil {
			return nil, err
		}
		c.parsed.mu.Lock()
		if c.parsed.m == nil {
			c.parsed.m = map[string]*parsedSet{}
		}
		if ps, ok = c.parsed.m[key]; !ok {
			ps = &parsedSet{base: t, rules: newIncludeRules(t)}
			c.parsed.m[key] = ps
		}
		c.parsed.mu.Unlock()
	}
	ps.mu.Lock()
	if n := len(ps.free); n > 0 {
		set := ps.free[n-1]
		ps.free = ps.free[:n-1]
		ps.mu.Unlock()
		set.slot.c = c
		set.slot.included = map[string]int{}
		return set, nil
	}
	ps.mu.Unlock()
	t, err := ps.base.Clone()
	if err != nil {
		return nil, err
	}
	return c.bindNew(t, ps), nil
}

// parseSet parses the templates into one new set, its functions bound
// through slot.
func (c *helmChartRun) parseSet(tpls map[string]helmRenderable, keys []string, slot *helmSlot) (*template.Template, error) {
	t := template.New("gotpl")
	t.Option("missingkey=zero")
	slot.bindFuncs(t)
	for _, filename := range keys {
		c.setCurrent(filename)
		if _, err := t.New(filename).Parse(tpls[filename].tpl); err != nil {
			return nil, helmParseError(filename, err)
		}
	}
	return t, nil
}

// bindNew binds t, a set of its own, to Helm's functions for run c.
func (c *helmChartRun) bindNew(t *template.Template, from *parsedSet) *helmSet {
	set := &helmSet{t: t, slot: &helmSlot{c: c, included: map[string]int{}, rules: from.rules}, from: from}
	set.slot.bindFuncs(t)
	return set
}

// release puts set back into its pool.
func (set *helmSet) release() {
	ps := set.from
	if ps == nil {
		return
	}
	set.slot.c = nil
	set.slot.cache = set.slot.cache.reset() // what it holds is not kept in the pool
	ps.mu.Lock()
	if len(ps.free) < maxFreeSets {
		ps.free = append(ps.free, set)
	}
	ps.mu.Unlock()
}
