// Package cputime gives the CPU time (user+system) benchmarks report
// beside wall time: on a shared machine it is what others' load distorts
// least.
package cputime

import (
	"syscall"
	"time"
)

// Self is the CPU time of this process.
func Self() time.Duration { return usage(syscall.RUSAGE_SELF) }

// Children is the CPU time of this process's waited-for children.
func Children() time.Duration { return usage(syscall.RUSAGE_CHILDREN) }

func usage(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
