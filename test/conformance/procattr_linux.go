package conformance

import "syscall"

// procAttr puts a server process in its own process group (Stop signals the
// group) and kills it when the test process dies.
func procAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
