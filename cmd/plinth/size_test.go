package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// maxBinaryBytes is the size the released binary must stay under (issue 15):
// 60 MB (decimal: 60,000,000 bytes), as make build checks too.
const maxBinaryBytes = 60_000_000

// TestBinarySize builds plinth as make build does (static, -s -w) and fails
// when the binary reaches the limit: a new dependency or embedded file that
// makes it grow past it has to be paid for elsewhere. It then checks how
// the binary starts (checkEarlyGCPolicy).
func TestBinarySize(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the release binary")
	}
	if _, err := exec.LookPath("make"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("make is required in CI: %v", err)
		}
		t.Skipf("make not installed: %v", err)
	}
	bin := filepath.Join(t.TempDir(), "plinth")
	cmd := exec.Command("make", "-C", filepath.Join("..", ".."), "build", "BIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("make build: %v\n%s", err, out)
	}
	fi, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Size() >= maxBinaryBytes {
		t.Fatalf("bin/plinth is %d bytes (%.1f MiB), the limit is %d (60 MB): see docs/development.md#binary-size",
			fi.Size(), float64(fi.Size())/(1<<20), maxBinaryBytes)
	}
	t.Logf("%d bytes (%.1f MiB)", fi.Size(), float64(fi.Size())/(1<<20))
	checkEarlyGCPolicy(t, bin)
}

// checkEarlyGCPolicy runs the release binary with the runtime's init and
// GC traces: the GC policy (gcearly) is initialized before the packages
// that allocate most at start, and no collection runs before main.
func checkEarlyGCPolicy(t *testing.T, bin string) {
	cmd := exec.Command(bin, "version")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1,gctrace=1", "GOGC=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("plinth version: %v\n%s", err, stderr.Bytes())
	}
	at := map[string]int{}
	lastInit, firstGC := -1, -1
	for i, line := range strings.Split(stderr.String(), "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 1 && f[0] == "init":
			at[f[1]], lastInit = i, i
		case len(f) > 1 && f[0] == "gc" && firstGC < 0:
			firstGC = i
		}
	}
	early, ok := at["github.com/plinth-dev/plinth/cmd/plinth/internal/gcearly"]
	if !ok {
		t.Fatalf("gcearly not initialized:\n%s", stderr.Bytes())
	}
	for _, heavy := range []string{"github.com/asaskevich/govalidator", "github.com/santhosh-tekuri/jsonschema/v6", "k8s.io/client-go/kubernetes/scheme"} {
		if i, ok := at[heavy]; ok && i < early {
			t.Errorf("%s is initialized before the GC policy", heavy)
		}
	}
	if firstGC >= 0 && firstGC < lastInit {
		t.Errorf("a collection ran while packages were initialized:\n%s", stderr.Bytes())
	}
}
