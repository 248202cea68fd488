//go:build unix

package fsguard

import "golang.org/x/sys/unix"

// renameAt moves fromElem of from to toElem of to with one renameat on the
// two directories (os.Root renames within one root only, walking both
// names from it).
func renameAt(from *Dir, fromElem string, to *Dir, toElem string) error {
	ff, err := from.fd()
	if err != nil {
		return err
	}
	tf, err := to.fd()
	if err != nil {
		return err
	}
	// A directory moves only to a name that does not exist (os.Root's
	// rule): renameat would replace an empty directory.
	if fi, err := to.root.Lstat(toElem); err == nil && fi.IsDir() {
		return unix.EEXIST
	}
	return unix.Renameat(int(ff.Fd()), fromElem, int(tf.Fd()), toElem)
}
