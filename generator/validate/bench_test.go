package validate

import (
	"fmt"
	"testing"
)

// BenchmarkValidate validates a batch of 1000 objects (Deployments and CRD
// objects) with warm schema caches.
func BenchmarkValidate(b *testing.B) {
	var objs []Object
	for i := range 1000 {
		src := deployment
		switch i % 4 {
		case 1:
			src = schedule
		case 2:
			src = application
		}
		objs = append(objs, Object{Source: fmt.Sprintf("obj-%d.yaml", i), Value: obj(b, src)})
	}
	if err := Validate("1.34", objs); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := Validate("1.34", objs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(objs)), "ns/object")
}

// BenchmarkColdStart measures loading a version's schemas and compiling
// the Deployment schema (what the first Validate call of a process pays).
func BenchmarkColdStart(b *testing.B) {
	o := []Object{{Source: "x", Value: obj(b, deployment)}}
	for b.Loop() {
		validatorsMu.Lock()
		delete(validators, "1.34")
		validatorsMu.Unlock()
		if err := Validate("1.34", o); err != nil {
			b.Fatal(err)
		}
	}
}
