package render

import (
	"log"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chartutil"
)

// renderValues is chartutil.ToRenderValues(ch, vals, opts,
// chartutil.DefaultCapabilities). For a chart without subcharts or schema
// whose values (and vals) hold only what YAML and JSON decoding make, it
// coalesces the values itself: Helm deep-copies both with reflection
// (copystructure), which costs more than executing a small chart's
// templates. helmvalues_test.go holds both equal, warnings included.
func renderValues(ch *chart.Chart, vals map[string]any, opts chartutil.ReleaseOptions) (chartutil.Values, error) {
	if len(ch.Dependencies()) == 0 && ch.Schema == nil {
		if v, ok := coalesceRoot(ch, vals, false, helmWarnf); ok {
			return rootValues(ch, v, opts), nil
		}
	}
	return chartutil.ToRenderValues(ch, vals, opts, chartutil.DefaultCapabilities)
}

// renderValuesShared is renderValues for a renderer that changes no value
// it did not make (the compiled executor, helmexec.go), where renderValues
// coalesces the values itself: they share the maps and lists of vals and
// of the chart's defaults, only the tables both hold are new. ok is false
// where renderValues leaves the values to Helm. warnf sees the warnings.
func renderValuesShared(ch *chart.Chart, vals map[string]any, opts chartutil.ReleaseOptions, warnf func(string, ...any)) (chartutil.Values, bool) {
	if len(ch.Dependencies()) > 0 || ch.Schema != nil || !copyable(vals) {
		return nil, false
	}
	v, ok := coalesceRoot(ch, vals, true, warnf)
	if !ok {
		return nil, false
	}
	return rootValues(ch, v, opts), true
}

// rootValues are the top-level values of a chart without subcharts.
func rootValues(ch *chart.Chart, v map[string]any, opts chartutil.ReleaseOptions) chartutil.Values {
	return chartutil.Values{
		"Chart":        ch.Metadata,
		"Capabilities": chartutil.DefaultCapabilities,
		"Release": map[string]any{
			"Name":      opts.Name,
			"Namespace": opts.Namespace,
			"IsUpgrade": opts.IsUpgrade,
			"IsInstall": opts.IsInstall,
			"Revision":  opts.Revision,
			"Service":   "Helm",
		},
		"Values": chartutil.Values(v),
	}
}

// helmWarnf is where Helm's coalescing warnings go (log.Printf, as Helm).
var helmWarnf = log.Printf

// coalesceRoot is chartutil.CoalesceValues(ch, vals) for a chart without
// subcharts: the chart's values under vals, a null in vals removing a
// default, tables merged key by key; ok is false for values holding
// anything but maps, lists and scalars. The result holds copies of vals
// and of the defaults, or with share (vals known copyable) shares them.
func coalesceRoot(ch *chart.Chart, vals map[string]any, share bool, warnf func(string, ...any)) (map[string]any, bool) {
	var v map[string]any
	if share {
		v = tableCopy(vals, ch.Values)
	} else {
		cv, ok := copyValue(vals)
		if !ok {
			return nil, false
		}
		v, _ = cv.(map[string]any)
		if v == nil {
			v = map[string]any{}
		}
	}
	if !copyable(ch.Values) {
		return nil, false
	}
	// The defaults are copied where they go into v, not where v overrides
	// them.
	c := coalescer{share: share, warnf: warnf}
	defaults := ch.Values
	prefix := ch.Metadata.Name
	for key, val := range defaults {
		value, ok := v[key]
		switch {
		case !ok:
			v[key] = c.value(val)
		case value == nil:
			delete(v, key)
		default:
			dest, isTable := value.(map[string]any)
			if !isTable {
				continue
			}
			if src, ok := val.(map[string]any); ok {
				v[key] = c.tables(dest, src, prefix+"."+key)
			} else if val != nil {
				warnf("warning: skipped value for %s.%s: Not a table.", prefix, key)
			}
		}
	}
	return v, true
}

// tableCopy is a new map holding the entries of m, sized for those of
// more too.
func tableCopy(m, more map[string]any) map[string]any {
	n := len(m)
	for k := range more {
		if _, ok := m[k]; !ok {
			n++
		}
	}
	out := make(map[string]any, n)
	for k, e := range m {
		out[k] = e
	}
	return out
}

// coalescer merges defaults under values, copying what it puts into them
// or, with share, sharing it.
type coalescer struct {
	share bool
	warnf func(string, ...any)
}

func (c coalescer) value(v any) any {
	if c.share {
		return v
	}
	cp, _ := copyValue(v)
	return cp
}

// copyable says whether copyValue copies v (it holds only maps, lists and
// the scalars decoding makes), without copying it.
func copyable(v any) bool {
	switch v := v.(type) {
	case nil, string, bool, int, int64, uint64, float64:
		return true
	case map[string]any:
		for _, e := range v {
			if !copyable(e) {
				return false
			}
		}
		return true
	case []any:
		for _, e := range v {
			if !copyable(e) {
				return false
			}
		}
		return true
	}
	return false
}

// tables merges the defaults src under dst (Helm's coalesceTablesFullKey
// without merge): a null in dst removes a non-null default. What it puts
// into dst are copies (with share: dst is copied first, what it puts into
// it shared): src is left as it is (Helm sets the keys of dst's nulls to
// null in src, so such a default is never put into dst nor merged). It
// returns dst.
func (c coalescer) tables(dst, src map[string]any, prefix string) map[string]any {
	if src == nil || dst == nil {
		return dst // Helm returns one of them; the caller keeps dst
	}
	if c.share {
		dst = tableCopy(dst, src)
	}
	for key, val := range src {
		dv, ok := dst[key]
		if ok && dv == nil {
			if val != nil {
				delete(dst, key)
			}
			continue
		}
		if !ok {
			dst[key] = c.value(val)
			continue
		}
		srcTable, isSrcTable := val.(map[string]any)
		dstTable, isDstTable := dv.(map[string]any)
		switch {
		case isSrcTable && isDstTable:
			dst[key] = c.tables(dstTable, srcTable, prefix+"."+key)
		case isSrcTable:
			c.warnf("warning: cannot overwrite table with non table for %s (%v)", prefix+"."+key, val)
		case isDstTable && val != nil:
			c.warnf("warning: destination for %s is a table. Ignoring non-table value (%v)", prefix+"."+key, val)
		}
	}
	return dst
}

// copyValue deep-copies a decoded value as copystructure does (nil maps
// and lists stay nil); ok is false for any other type.
func copyValue(v any) (any, bool) { return copyTree(v, true) }

// ownValues is a copy of vals whose maps and lists are its own (nil ones
// stay nil), sharing only the values of other types (scalars): for a
// caller that changes values shared with others (valuesFile).
func ownValues(vals map[string]any) map[string]any {
	cp, _ := copyTree(vals, false)
	return cp.(map[string]any)
}

// copyTree copies the maps and lists of v; strict: ok is false for a type
// that is not a map, a list or a scalar decoding makes, else such a value
// is shared.
func copyTree(v any, strict bool) (any, bool) {
	switch v := v.(type) {
	case nil, string, bool, int, int64, uint64, float64:
		return v, true
	case map[string]any:
		if v == nil {
			return v, true
		}
		out := make(map[string]any, len(v))
		for k, e := range v {
			c, ok := copyTree(e, strict)
			if !ok {
				return nil, false
			}
			out[k] = c
		}
		return out, true
	case []any:
		if v == nil {
			return v, true
		}
		out := make([]any, len(v))
		for i, e := range v {
			c, ok := copyTree(e, strict)
			if !ok {
				return nil, false
			}
			out[i] = c
		}
		return out, true
	}
	return v, !strict
}
