//go:build !unix

package fsguard

// openFlags: no fifos to guard against here.
const openFlags = 0
