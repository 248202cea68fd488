package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// maxBinaryBytes is the size the released binary must stay under (issue 15):
// 60 MB (decimal: 60,000,000 bytes), as make build checks too.
const maxBinaryBytes = 60_000_000

// TestBinarySize builds plinth as make build does (static, -s -w) and fails
// when the binary reaches the limit: a new dependency or embedded file that
// makes it grow past it has to be paid for elsewhere.
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
}
