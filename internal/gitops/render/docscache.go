package render

// The files a history report's two states have in common are parsed once:
// with a Cache, parsed files are shared by path and content hash (a parse
// error names the path, so the path is part of the key). Parsed values are
// never modified (a build copies what it changes of an object: nres.setNamespace, jsonPatch.apply).

func docsMemo(c *Cache) *memo[docsResult] { return &c.docs }

// docsKey is the cache key of file p; "" without a cache.
func (d *renderer) docsKey(p string) string {
	if d.cache == nil {
		return ""
	}
	if _, ok := d.snap.File(p); !ok {
		return ""
	}
	return p + "\x00" + d.fileHash(p)
}

// sharedDocs returns file p as parsed by another Render sharing the cache.
func (d *renderer) sharedDocs(p string) (docsResult, bool) {
	return cacheGet(d.cache, docsMemo, d.docsKey(p))
}

// shareDocs offers file p as parsed to the other Renders sharing the cache.
func (d *renderer) shareDocs(p string, r docsResult) {
	cachePut(d.cache, docsMemo, d.docsKey(p), r)
}
