//go:build !unix

package fsguard

import "os"

// openFlags: no fifos to guard against here.
const openFlags = 0

// noFollow: os.Root refuses links leaving the root; the Check before every
// write refuses the others.
const noFollow = 0

// lockFile: no advisory locks here.
func lockFile(*os.File) error { return nil }
