package scan

import (
	"bufio"
	"bytes"
	"io"
	"log"
	"os"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/checks"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// coverage counts what a rendering evaluated: sources rendered, sources not
// evaluated with their reason, objects and workloads per cluster. Problems
// that leave a source partly rendered (values not read) are warnings, not
// sources left out.
func coverage(disc *render.Result) (reports.Coverage, []reports.Warning) {
	cov := reports.Coverage{Clusters: []reports.ClusterCoverage{}, Skipped: []reports.NotEvaluated{}}
	var warnings []reports.Warning
	per := map[string]*reports.ClusterCoverage{}
	cl := func(name string) *reports.ClusterCoverage {
		c := per[name]
		if c == nil {
			c = &reports.ClusterCoverage{Cluster: name}
			per[name] = c
		}
		return c
	}
	for _, c := range disc.Clusters {
		cl(c)
	}
	for i := range disc.Objects {
		o := &disc.Objects[i]
		c := cl(o.Cluster)
		c.Objects++
		cov.Objects++
		if checks.IsWorkload(o) {
			c.Workloads++
			cov.Workloads++
		}
	}
	for _, s := range disc.Sources {
		cl(s.Cluster).Rendered++
		cov.Rendered++
	}
	for _, p := range disc.Problems {
		reason, whole := problemReason(p)
		m := checks.ProblemMsg(p)
		if !whole {
			warnings = append(warnings, reports.Warning{File: location(p.File, p.Line), Message: p.Message, Msg: m, MessageKo: i18n.Korean(m)})
			continue
		}
		cl(p.Cluster).NotEvaluated++
		cov.NotEvaluated++
		cov.Skipped = append(cov.Skipped, reports.NotEvaluated{Cluster: p.Cluster, File: p.File, Line: p.Line, Reason: reason, Message: p.Message,
			Msg: m, MessageKo: i18n.Korean(m)})
	}
	cov.Sources = cov.Rendered + cov.NotEvaluated
	cov.Percent = coveragePercent(cov.Rendered, cov.Sources)
	names := make([]string, 0, len(per))
	for n := range per {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		cov.Clusters = append(cov.Clusters, *per[n])
	}
	return cov, warnings
}

// coveragePercent is 100*n/total rounded down to 0.1 (so 99.96 % is not
// shown as 100 %), and 0 when there is nothing: nothing was evaluated.
func coveragePercent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(n*1000/total) / 10
}

// problemReason classifies a rendering problem: the reason its source was
// not evaluated, and whether the whole source was left out (false: it was
// rendered, only partly, e.g. without values kept outside the repository).
func problemReason(p render.Problem) (string, bool) {
	if !p.NotEvaluated {
		return reports.ReasonRenderError, true
	}
	if r, ok := reasons[p.Reason]; ok {
		return r, r != ""
	}
	return reports.ReasonUnsupported, true
}

// reasons maps render's reasons to the report's; "" for what is rendered
// without some input (counted as rendered, with a warning).
var reasons = map[string]string{
	render.ReasonRemoteChart:     reports.ReasonRemoteChart,
	render.ReasonOtherRepository: reports.ReasonOtherRepository,
	render.ReasonPlugin:          reports.ReasonPlugin,
	render.ReasonUnsupported:     reports.ReasonUnsupported,
	render.ReasonTooLarge:        reports.ReasonTooLarge,
	render.ReasonClusterValue:    "",
	render.ReasonValuesElsewhere: "",
}

func location(file string, line int) string {
	if line > 0 && file != "" {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

// captureMu serialises captureOutput: the standard logger and os.Stderr
// are process-wide.
var captureMu sync.Mutex

// captureOutput collects what libraries print while a repository renders,
// so that nothing leaks to standard error raw: kustomize writes its
// deprecation warnings with fmt.Fprintf(os.Stderr, ...), other libraries
// use the standard log package. os.Stderr is swapped for a pipe (the
// variable, not the file descriptor: writers that already hold the real
// standard error, like the command's logger, keep it) and the standard
// logger is pointed at the same buffer. The returned function restores both
// and returns the lines printed.
func captureOutput() func() []string {
	captureMu.Lock()
	var buf syncBuffer
	prevOut, prevFlags, prevPrefix := log.Writer(), log.Flags(), log.Prefix()
	log.SetOutput(&buf)
	log.SetFlags(0)
	log.SetPrefix("")
	prevStderr := os.Stderr
	pr, pw, err := os.Pipe()
	done := make(chan struct{})
	if err == nil {
		os.Stderr = pw
		go func() {
			_, _ = io.Copy(&buf, pr)
			pr.Close()
			close(done)
		}()
	} else {
		close(done) // no pipe: nothing is captured from os.Stderr
	}
	return func() []string {
		if err == nil {
			os.Stderr = prevStderr
			pw.Close()
		}
		<-done
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
		log.SetPrefix(prevPrefix)
		captureMu.Unlock()
		var lines []string
		sc := bufio.NewScanner(bytes.NewReader(buf.bytes()))
		for sc.Scan() {
			if l := strings.TrimSpace(sc.Text()); l != "" {
				lines = append(lines, l)
			}
		}
		return lines
	}
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) bytes() []byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	return bytes.Clone(b.buf.Bytes())
}

// deprecatedField is the field a kustomize deprecation warning names:
// "# Warning: 'bases' is deprecated. Please use 'resources' instead. ...".
var deprecatedField = regexp.MustCompile(`'([A-Za-z0-9]+)' is deprecated`)

// kustomizationFiles are the names kustomize reads in a directory.
var kustomizationFiles = []string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// logWarnings turns captured log lines into warnings. A kustomize
// deprecation warning does not say which kustomization it is about: it is
// given to every kustomization of the snapshot that uses the deprecated
// field (one warning per file); other lines are kept as they are, once.
func logWarnings(snap *source.Snapshot, lines []string) []reports.Warning {
	var out []reports.Warning
	seen := map[string]bool{}
	var usage map[string][]string // field -> kustomization files using it
	for _, l := range lines {
		msg := strings.TrimSpace(strings.TrimPrefix(l, "#"))
		if seen[msg] {
			continue
		}
		seen[msg] = true
		m := deprecatedField.FindStringSubmatch(msg)
		if m == nil {
			out = append(out, reports.Warning{Message: msg})
			continue
		}
		if usage == nil {
			usage = kustomizationFields(snap)
		}
		files := usage[m[1]]
		if len(files) == 0 {
			out = append(out, reports.Warning{Message: msg})
		}
		for _, f := range files {
			out = append(out, reports.Warning{File: f, Message: msg})
		}
	}
	return out
}

// kustomizationFields maps each top-level field of the snapshot's
// kustomization files to the files that set it.
func kustomizationFields(snap *source.Snapshot) map[string][]string {
	fields := map[string][]string{}
	for _, p := range snap.Paths() {
		name := path.Base(p)
		isKust := false
		for _, k := range kustomizationFiles {
			isKust = isKust || name == k
		}
		if !isKust {
			continue
		}
		f, ok := snap.File(p)
		if !ok || f.Err != nil {
			continue
		}
		var top map[string]yaml.Node
		if yaml.Unmarshal(f.Data, &top) != nil {
			continue
		}
		for k := range top {
			fields[k] = append(fields[k], p)
		}
	}
	for k := range fields {
		sort.Strings(fields[k])
	}
	return fields
}

// sortWarnings orders warnings by file and message and drops repeats.
func sortWarnings(ws []reports.Warning) []reports.Warning {
	sort.SliceStable(ws, func(i, j int) bool {
		if ws[i].File != ws[j].File {
			return ws[i].File < ws[j].File
		}
		return ws[i].Message < ws[j].Message
	})
	out := ws[:0]
	for i, w := range ws {
		if i > 0 && w.File == ws[i-1].File && w.Message == ws[i-1].Message {
			continue
		}
		out = append(out, w)
	}
	if out == nil {
		out = []reports.Warning{}
	}
	return out
}
