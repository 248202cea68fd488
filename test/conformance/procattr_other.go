//go:build !linux

package conformance

import "syscall"

// procAttr puts a server process in its own process group (Stop signals the group).
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
