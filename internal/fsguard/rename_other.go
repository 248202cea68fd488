//go:build !unix

package fsguard

// renameAt moves fromElem of from to toElem of to through the root.
func renameAt(from *Dir, fromElem string, to *Dir, toElem string) error {
	return from.r.root.Rename(from.path(fromElem), to.path(toElem))
}
