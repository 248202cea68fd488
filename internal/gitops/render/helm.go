package render

import (
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
)

// renderChart renders the chart in e.path with e.values merged over its
// defaults, like helm template (no cluster access, no hooks run).
func (d *renderer) renderChart(e entry, r *rendered) {
	chartFile := path.Join(e.path, "Chart.yaml")
	ch, file, err := d.loadChart(e.path)
	if err != nil {
		if file != "" {
			r.problem(e, file, 0, "%v", err)
		} else {
			r.problem(e, chartFile, 0, "load chart %s: %v", e.path, err)
		}
		return
	}
	for _, dep := range ch.Metadata.Dependencies {
		found := false
		for _, sub := range ch.Dependencies() {
			if sub.Name() == dep.Name {
				found = true
			}
		}
		if !found {
			r.problems = append(r.problems, Problem{Cluster: e.cluster, File: chartFile, Line: d.lineOf(chartFile, dep.Name),
				Message: deployerPrefix(e.deployer) + fmt.Sprintf("chart dependency %q (%s) of %s is not vendored in charts/; its objects are not evaluated", dep.Name, dep.Repository, e.path), NotEvaluated: true,
				Reason: ReasonRemoteChart, Of: e.deployer,
				Format: msgFormat("%schart dependency %q (%s) of %s is not vendored in charts/; its objects are not evaluated"),
				Args:   msgArgs("%s%q%s%s", []any{deployerPrefix(e.deployer), dep.Name, dep.Repository, e.path})})
		}
	}
	release := e.release
	if release == "" {
		release = ch.Name()
	}
	ns := e.namespace
	if ns == "" {
		ns = "default"
	}
	key := d.chartKey(e.path, e.values, release, ns)
	renders, cached := cacheGet(d.cache, charts, key)
	if !cached {
		run := &helmChartRun{r: d.budget.run(), parsed: &d.parsed, texts: &d.texts}
		defer run.r.end()
		vals := e.values
		if vals == nil {
			vals = map[string]any{}
		}
		out, err := safe(func() (map[string]string, error) {
			if err := chartutil.ProcessDependenciesWithMerge(ch, vals); err != nil {
				return nil, err
			}
			opts := chartutil.ReleaseOptions{Name: release, Namespace: ns, Revision: 1, IsInstall: true}
			if fastExec {
				// the executor changes no value: it reads vals and the
				// defaults where they are; text/template gets copies
				if rv, ok := renderValuesShared(ch, vals, opts, helmWarnf); ok {
					run.copied = func() chartutil.Values {
						v, _ := coalesceRoot(ch, vals, false, func(string, ...any) {}) // warned already
						return rootValues(ch, v, opts)
					}
					return helmRender(run, ch, rv)
				}
			}
			rv, err := renderValues(ch, vals, opts)
			if err != nil {
				return nil, err
			}
			return helmRender(run, ch, rv)
		})
		if err == nil {
			err = d.budget.keepAll(out)
		}
		if be, ok := IsBudget(err); ok {
			file := path.Join(e.path, dropFirst(run.Current()))
			if _, ok := d.snap.File(file); !ok {
				file = chartFile
			}
			r.problem(e, file, 0, "not evaluated: %v: chart %s", be, e.path)
			return
		}
		if err != nil {
			file, line := templateError(e.path, err.Error())
			file = d.localFile(file)
			if _, ok := d.snap.File(file); !ok {
				file, line = chartFile, 0
			}
			if line > 0 {
				// the repository's file:line, not Helm's name of the template
				r.problem(e, file, line, "render chart %s: %s:%d: %s", e.path, file, line, shortMessage(err.Error()))
				return
			}
			r.problem(e, file, line, "render chart %s: %s", e.path, shortMessage(err.Error()))
			return
		}
		renders = parseRendered(e.path, out, d.interner())
		for i := range renders {
			renders[i].file = d.localFile(renders[i].file)
		}
		cachePut(d.cache, charts, key, renders)
	}
	docs := 0
	for _, f := range renders {
		docs += len(f.docs)
	}
	r.objects = slices.Grow(r.objects, docs)
	for _, f := range renders {
		if f.err != nil {
			r.problem(e, f.file, 0, "chart %s renders invalid YAML: %v", e.path, f.err)
			continue
		}
		kinds := map[string]int{}
		for _, doc := range f.docs {
			o, ok := newObject(doc.Value, f.file, 0, e.cluster)
			if !ok {
				continue
			}
			o.Line = d.templateLine(f.file, o.Kind, kinds[o.Kind])
			kinds[o.Kind]++
			if o.Namespace == "" && !ClusterScoped(o.Kind) {
				o.Namespace = ns
			}
			r.objects = append(r.objects, d.finish(e, o))
		}
	}
}

// loadedChart is a chart as loaded from the snapshot, once per directory.
type loadedChart struct {
	once sync.Once
	ch   *chart.Chart
	file string // the file that could not be read, if any
	err  error
}

// loadChart loads the chart in dir. A chart without dependencies is loaded
// once and shared by its renderings: Helm copies the chart's values before
// merging into them and only reads the rest. A chart declaring
// dependencies (even an empty list) is loaded afresh each time: Helm drops
// disabled subcharts from it and sets its values from imports.
func (d *renderer) loadChart(dir string) (*chart.Chart, string, error) {
	d.mu.Lock()
	lc := d.charts[dir]
	if lc == nil {
		lc = &loadedChart{}
		d.charts[dir] = lc
	}
	d.mu.Unlock()
	lc.once.Do(func() { lc.ch, lc.file, lc.err = d.readChart(dir) })
	if lc.err != nil || lc.ch.Metadata.Dependencies == nil && len(lc.ch.Dependencies()) == 0 {
		return lc.ch, lc.file, lc.err
	}
	return d.readChart(dir)
}

func (d *renderer) readChart(dir string) (*chart.Chart, string, error) {
	return d.readChartDeps(dir, 0)
}

// maxLocalDepth bounds nested file:// dependencies (and their loops).
const maxLocalDepth = 10

// readChartDeps loads the chart in dir with its file:// dependencies that
// are not vendored in charts/ loaded from the repository, as helm
// dependency build does offline.
func (d *renderer) readChartDeps(dir string, depth int) (*chart.Chart, string, error) {
	ch, file, err := d.readChartFiles(dir)
	if err != nil || depth >= maxLocalDepth {
		return ch, file, err
	}
	for _, dep := range ch.Metadata.Dependencies {
		local, ok := strings.CutPrefix(dep.Repository, "file://")
		if !ok || slices.ContainsFunc(ch.Dependencies(), func(c *chart.Chart) bool { return c.Name() == dep.Name }) {
			continue
		}
		sub, ok := repoPath(path.Join(dir, local))
		if !ok || !d.isChart(sub) {
			continue // reported as not vendored
		}
		subChart, file, err := d.readChartDeps(sub, depth+1)
		if err != nil {
			return nil, file, fmt.Errorf("dependency %s (%s): %w", dep.Name, dep.Repository, err)
		}
		ch.AddDependency(subChart)
		d.mu.Lock()
		if d.localDeps == nil {
			d.localDeps = map[string]string{}
		}
		d.localDeps[path.Join(dir, "charts", dep.Name)] = sub
		d.mu.Unlock()
	}
	return ch, "", nil
}

// chartDirs lists the chart in dir and the directories of its file://
// dependencies (those loaded so far), for cache keys.
func (d *renderer) chartDirs(dir string) []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := []string{dir}
	for i := 0; i < len(out) && i < 100; i++ {
		for from, to := range d.localDeps {
			if strings.HasPrefix(from, out[i]+"/charts/") && !slices.Contains(out, to) {
				out = append(out, to)
			}
		}
	}
	sort.Strings(out[1:])
	return out
}

// localFile maps the path of a template of a file:// dependency as Helm
// names it (<chart>/charts/<name>/...) to the repository file.
func (d *renderer) localFile(p string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	for range maxLocalDepth {
		best := ""
		for from := range d.localDeps {
			if strings.HasPrefix(p, from+"/") && len(from) > len(best) {
				best = from
			}
		}
		if best == "" {
			break
		}
		p = d.localDeps[best] + strings.TrimPrefix(p, best)
	}
	return p
}

func (d *renderer) readChartFiles(dir string) (*chart.Chart, string, error) {
	var files []*loader.BufferedFile
	for _, p := range d.snap.Walk(dir) {
		f, _ := d.snap.File(p)
		if f.Err != nil {
			return nil, p, f.Err
		}
		files = append(files, &loader.BufferedFile{Name: strings.TrimPrefix(p, dir+"/"), Data: f.Data})
	}
	ch, err := safe(func() (*chart.Chart, error) { return loader.LoadFiles(files) })
	return ch, "", err
}

// renderedFile is one template's output, parsed. Values are shared between
// the calls using a cache: never modified.
type renderedFile struct {
	file string // repository path of the template
	docs []yamlDoc
	err  error
}

// parseRendered parses the YAML templates' output of a chart in dir, in
// template order, leaving out NOTES.txt, partials and empty output.
func parseRendered(dir string, out map[string]string, in *interner) []renderedFile {
	names := make([]string, 0, len(out))
	for n := range out {
		names = append(names, n)
	}
	sort.Strings(names)
	var files []renderedFile
	for _, n := range names {
		content := out[n]
		if strings.TrimSpace(content) == "" || !isYAML(n) || strings.HasSuffix(n, "NOTES.txt") {
			continue
		}
		// "<chart>/templates/x.yaml" or "<chart>/charts/<sub>/templates/x.yaml"
		rel := n
		if i := strings.IndexByte(n, '/'); i >= 0 {
			rel = n[i+1:]
		}
		file := path.Join(dir, rel)
		if strings.HasPrefix(path.Base(file), "_") {
			continue
		}
		docs, err := renderedDocs(content, in)
		files = append(files, renderedFile{file: file, docs: docs, err: err})
	}
	return files
}

// chartKey identifies a rendering for the cache: the chart's files, the
// values, the release and the namespace, in hashKey's unambiguous
// encoding (helmkey.go; the values were JSON before, 70 µs a rendering,
// and the chart's files, the same for all its renderings, are hashed once
// a Render: chartFiles); "" without a cache.
func (d *renderer) chartKey(dir string, values map[string]any, release, ns string) string {
	if d.cache == nil {
		return ""
	}
	k := newKeyWriter()
	for _, s := range []string{"chart", dir, release, ns, d.chartFiles(d.chartDirs(dir))} {
		k.str(s)
	}
	k.tag('m')
	k.mapping(values)
	return k.sum()
}

// chartFiles is the hash of the paths and contents of the files of the
// chart directories dirs (a chart and its file:// dependencies), computed
// once a Render for the same dirs.
func (d *renderer) chartFiles(dirs []string) string {
	id := strings.Join(dirs, "\x00")
	d.mu.Lock()
	sum, ok := d.chartSums[id]
	d.mu.Unlock()
	if ok {
		return sum
	}
	k := newKeyWriter()
	for _, dd := range dirs {
		k.str(dd)
		for _, p := range d.snap.Walk(dd) {
			k.str(p)
			k.str(d.fileHash(p))
		}
	}
	sum = k.sum()
	d.mu.Lock()
	if d.chartSums == nil {
		d.chartSums = map[string]string{}
	}
	d.chartSums[id] = sum
	d.mu.Unlock()
	return sum
}

var kindLine = regexp.MustCompile(`^\s*kind:\s*["']?([A-Za-z0-9]+)`)

// templateLine returns the line of the nth "kind: <kind>" in a template
// (the rendered line numbers do not exist in the repository), else 1.
func (d *renderer) templateLine(file, kind string, nth int) int {
	first := 0
	for _, k := range d.parsed.templateKinds(d.snap, file) {
		if k.kind != kind || k.indented && first > 0 {
			continue
		}
		if first == 0 {
			first = k.start
		}
		if nth == 0 {
			return k.start
		}
		nth--
	}
	if first > 0 {
		return first
	}
	return 1
}

// docStart walks back from line i over the top-level keys before it (apiVersion).
func docStart(lines []string, i int) int {
	for i > 0 && topLevelKey.MatchString(lines[i-1]) {
		i--
	}
	return i
}

var topLevelKey = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*:`)

// templateError finds "(<chart>/templates/x.yaml:4:26)" (parse and fail
// errors) or "template: <chart>/templates/x.yaml:4:26:" (execution errors)
// in a Helm error and returns the repository file and line it names.
func templateError(chartDir, msg string) (string, int) {
	m := helmErrPos.FindStringSubmatch(msg)
	if m == nil {
		// "template: <chart>/templates/x.yaml:1:67: executing ..."
		if m = helmExecPos.FindStringSubmatch(msg); m == nil {
			return "", 0
		}
	}
	rel := m[1]
	if i := strings.IndexByte(rel, '/'); i >= 0 {
		rel = rel[i+1:]
	}
	line, _ := strconv.Atoi(m[2])
	return path.Join(chartDir, rel), line
}

var (
	helmErrPos  = regexp.MustCompile(`\(([^():\s]+):(\d+)(?::\d+)?\)`)
	helmExecPos = regexp.MustCompile(`^template: ([^:\s]+):(\d+)`)
)

// safe runs f and turns a panic of a library into an error.
func safe[T any](f func() (T, error)) (v T, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic: %v", p)
		}
	}()
	return f()
}

// deployerPrefix is "Kind/name: " of a deployer ("Kind/namespace/name"),
// the way problems of a GitOps object start; "" for none.
func deployerPrefix(deployer string) string {
	parts := strings.Split(deployer, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[0] + "/" + parts[len(parts)-1] + ": "
}
