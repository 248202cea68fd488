package repo

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/pmezard/go-difflib/difflib"
)

const (
	colorReset = "\x1b[0m"
	colorBold  = "\x1b[1m"
	colorRed   = "\x1b[31m"
	colorGreen = "\x1b[32m"
	colorCyan  = "\x1b[36m"
)

// WriteDiff writes changes as a git-style unified diff (3 lines of context),
// in colour when color is set.
func WriteDiff(w io.Writer, changes []Change, color bool) error {
	bw := bufio.NewWriter(w)
	for _, c := range changes {
		from, to := "a/"+c.Path, "b/"+c.Path
		header := fmt.Sprintf("diff --git a/%s b/%s\n", c.Path, c.Path)
		switch c.Action {
		case Added:
			from = "/dev/null"
			header += "new file mode 100644\n"
		case Removed:
			to = "/dev/null"
			header += "deleted file mode 100644\n"
		}
		var body bytes.Buffer
		if isBinary(c.Old) || isBinary(c.New) {
			fmt.Fprintf(&body, "Binary files %s and %s differ\n", from, to)
		} else {
			ud := difflib.UnifiedDiff{
				A: splitLines(c.Old), B: splitLines(c.New),
				FromFile: from, ToFile: to, Context: 3,
			}
			if err := difflib.WriteUnifiedDiff(&body, ud); err != nil {
				return fmt.Errorf("diff %s: %w", c.Path, err)
			}
		}
		if !color {
			bw.WriteString(header)
			bw.Write(body.Bytes())
			continue
		}
		bw.WriteString(colorBold + strings.TrimSuffix(header, "\n") + colorReset + "\n")
		for _, line := range strings.SplitAfter(body.String(), "\n") {
			if line == "" {
				continue
			}
			text := strings.TrimSuffix(line, "\n")
			switch {
			case strings.HasPrefix(text, "+++ "), strings.HasPrefix(text, "--- "):
				bw.WriteString(colorBold + text + colorReset + "\n")
			case strings.HasPrefix(text, "@@"):
				bw.WriteString(colorCyan + text + colorReset + "\n")
			case strings.HasPrefix(text, "+"):
				bw.WriteString(colorGreen + text + colorReset + "\n")
			case strings.HasPrefix(text, "-"):
				bw.WriteString(colorRed + text + colorReset + "\n")
			default:
				bw.WriteString(line)
			}
		}
	}
	return bw.Flush()
}

// splitLines splits data into lines that keep their newline; a last line
// without one gets git's marker.
func splitLines(data []byte) []string {
	if len(data) == 0 {
		return nil
	}
	lines := strings.SplitAfter(string(data), "\n")
	if lines[len(lines)-1] == "" {
		return lines[:len(lines)-1]
	}
	lines[len(lines)-1] += "\n\\ No newline at end of file\n"
	return lines
}

func isBinary(data []byte) bool {
	n := len(data)
	if n > 8000 {
		n = 8000
	}
	return bytes.IndexByte(data[:n], 0) >= 0
}
