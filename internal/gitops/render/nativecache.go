package render

// A history report's two states share the native builds of the
// kustomizations they have in common: with a Cache, the objects a nested
// kustomization accumulates (nativeAccumulate) are kept by its buildKey,
// which hashes every file the build can read. A change to one service then
// rebuilds its own kustomizations and those that include them, not every
// other one. The cached objects' values are shared: every user copies a
// value, or the containers on the paths it changes, before it changes them
// (nres.setNamespace, jsonPatch.apply and applyFinal).

// nativeEntry is a nested kustomization's accumulated objects and the depth
// they were built at (a deeper use could exceed maxNativeDepth).
type nativeEntry struct {
	res   []*nres
	depth int
}

func natives(c *Cache) *memo[nativeEntry] { return &c.native }

// nativeAccumulateShared is nativeAccumulate through the cache; without
// one, through the renderer's memo by directory (a service's base is
// included by the overlay of every environment).
func (d *renderer) nativeAccumulateShared(dir string, visiting map[string]bool, depth int) ([]*nres, bool) {
	m, key := &d.natives, dir
	if d.cache != nil {
		m, key = natives(d.cache), d.buildKey(dir)
	}
	if e, ok := m.get(key); ok && depth <= e.depth && !visiting[dir] {
		return shareNres(e.res), true
	}
	res, ok := d.nativeAccumulate(dir, visiting, depth)
	if !ok {
		return nil, false
	}
	for _, r := range res {
		r.share() // shared with the memo from now on
	}
	m.put(key, nativeEntry{res: shareNres(res), depth: depth})
	return res, true
}

// shareNres copies the objects' records; their values are shared.
func shareNres(in []*nres) []*nres {
	out := make([]*nres, len(in))
	for i, r := range in {
		c := *r
		c.share()
		out[i] = &c
	}
	return out
}
