package discover

import (
	"runtime/debug"
	"testing"
)

func TestRelaxGCRestores(t *testing.T) {
	t.Setenv("GOGC", "")
	before := debug.SetGCPercent(150)
	defer debug.SetGCPercent(before)
	for _, order := range []string{"first ends first", "last ends first"} {
		t.Run(order, func(t *testing.T) {
			a := relaxGC()
			b := relaxGC()
			if order == "first ends first" {
				a()
			} else {
				b()
			}
			if got := debug.SetGCPercent(renderGCPercent); got != renderGCPercent {
				t.Fatalf("while one call still runs: GC percent %d, want %d", got, renderGCPercent)
			}
			if order == "first ends first" {
				b()
			} else {
				a()
			}
			if got := debug.SetGCPercent(150); got != 150 {
				t.Fatalf("after both calls: GC percent %d, want 150", got)
			}
		})
	}
	t.Run("GOGC set", func(t *testing.T) {
		t.Setenv("GOGC", "100")
		relaxGC()()
		if got := debug.SetGCPercent(150); got != 150 {
			t.Fatalf("GOGC set: GC percent %d, want 150 untouched", got)
		}
	})
}
