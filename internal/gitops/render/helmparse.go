package render

import (
	"crypto/sha256"
	"encoding/hex"
	"text/template"
)

// parse parses a chart's templates (keys: their names in execution order)
// into one template set bound to c's functions. With c.parsed set, a set
// parsed before from the same names and texts is cloned instead: a chart
// rendered once per release and environment is parsed once. A clone shares
// the parse trees (never modified by execution) and gets c's functions,
// so the output is the one a fresh parse gives.
func (c *helmChartRun) parse(tpls map[string]helmRenderable, keys []string) (*template.Template, error) {
	key := ""
	if c.parsed != nil {
		h := sha256.New()
		for _, k := range keys {
			h.Write([]byte(k))
			h.Write([]byte{0})
			h.Write([]byte(tpls[k].tpl))
			h.Write([]byte{0})
		}
		key = hex.EncodeToString(h.Sum(nil))
		c.parsed.mu.Lock()
		base, ok := c.parsed.m[key]
		c.parsed.mu.Unlock()
		if ok {
			return c.bind(base)
		}
	}
	t := template.New("gotpl")
	t.Option("missingkey=zero")
	c.initFunMap(t)
	for _, filename := range keys {
		c.setCurrent(filename)
		if _, err := t.New(filename).Parse(tpls[filename].tpl); err != nil {
			return nil, helmParseError(filename, err)
		}
	}
	if c.parsed == nil {
		return t, nil
	}
	c.parsed.mu.Lock()
	if c.parsed.m == nil {
		c.parsed.m = map[string]*template.Template{}
	}
	c.parsed.m[key] = t
	c.parsed.mu.Unlock()
	// The stored set stays unexecuted: runs execute clones of it.
	return c.bind(t)
}

// bind clones a parsed template set and binds c's functions to the clone.
func (c *helmChartRun) bind(base *template.Template) (*template.Template, error) {
	t, err := base.Clone()
	if err != nil {
		return nil, err
	}
	c.initFunMap(t)
	return t, nil
}

// parsedTemplates are parsed chart template sets by the hash of their names
// and texts.
type parsedTemplates = memo[*template.Template]
