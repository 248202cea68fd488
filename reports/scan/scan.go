// Package scan is the report engine: it reads a GitOps repository at a
// revision, renders what it deploys, evaluates the baseline, applies
// waivers, scores the result and compares it with an earlier state.
package scan

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing/object"
	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/internal/gcpolicy"
	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/checks"
	"github.com/plinth-dev/plinth/reports/evidence"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// Files of the repository the engine reads besides the manifests.
const (
	StateDir     = repo.ClusterStatesDir
	WaiverFile   = repo.WaiversPath
	BaselineFile = repo.BaselinePath
)

// Options select what to evaluate.
type Options struct {
	Repo  string // path or URL
	Ref   string // revision; empty: HEAD
	Since string // revision or YYYY-MM-DD to compare with
	Month string // YYYY-MM: last commit of the month vs last commit of the month before
	// Date is the report date (waiver expiry is judged against it); zero: now.
	Date time.Time
	// Clusters limits the report to these clusters (clusters/<name>/);
	// findings of the repository as a whole are kept. Empty: all.
	Clusters []string
	// GitTimeout bounds each network git operation (clone, fetch); zero:
	// PLINTH_GIT_TIMEOUT, else gitauth.DefaultTimeout.
	GitTimeout time.Duration
	// Progress, when set, receives progress messages (plinth -v).
	Progress func(format string, args ...any)
	// EvidenceDir holds the clusters' own descriptions (az aks show, az aks
	// nodepool list, gcloud container clusters describe JSON) the declared
	// controls are evaluated from (reports/evidence); empty: none.
	EvidenceDir string
}

func (o Options) progress(format string, args ...any) {
	if o.Progress != nil {
		o.Progress(format, args...)
	}
}

var (
	monthRE = regexp.MustCompile(`^\d{4}-(0[1-9]|1[0-2])$`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// OptionError is an Options field that cannot be used, in the engine's
// own words: Option names the field ("month", "since"); the command adds
// its flag.
type OptionError struct {
	Option, Value, Reason string
}

func (e *OptionError) Error() string { return fmt.Sprintf("%s %q: %s", e.Option, e.Value, e.Reason) }

// Run evaluates the repository.
func Run(ctx context.Context, opts Options) (*reports.Report, error) {
	if opts.Month != "" && opts.Since != "" {
		return nil, &OptionError{Option: "month", Value: opts.Month, Reason: "a month is compared with the month before; it cannot be combined with since"}
	}
	if opts.Month != "" && !monthRE.MatchString(opts.Month) {
		return nil, &OptionError{Option: "month", Value: opts.Month, Reason: "want YYYY-MM"}
	}
	// Without a date, a git repository's report is dated by the commit
	// evaluated (reproducible); a plain directory by the time of the run.
	date := opts.Date.UTC()
	start := time.Now()
	var ev *evidence.Set
	if opts.EvidenceDir != "" {
		var err error
		if ev, err = evidence.Load(opts.EvidenceDir); err != nil {
			return nil, err
		}
	}
	repo, err := source.Open(ctx, opts.Repo, source.Options{Timeout: opts.GitTimeout})
	if err != nil {
		return nil, err
	}
	defer repo.Close()
	opts.progress("repository %s opened (%s)", opts.Repo, time.Since(start).Round(time.Millisecond))
	scoped := func(r *reports.Report) *reports.Report { return r }
	if len(opts.Clusters) > 0 {
		scoped = func(r *reports.Report) *reports.Report { return onlyClusters(r, opts.Clusters) }
	}
	ref := opts.Ref
	if ref == "" {
		ref = "HEAD"
	}
	if !repo.IsGit() {
		if opts.Ref != "" || opts.Since != "" || opts.Month != "" {
			return nil, fmt.Errorf("repository %s is not a git repository: a revision, since or month needs history", opts.Repo)
		}
		snap, err := repo.Snapshot(nil, "")
		if err != nil {
			return nil, err
		}
		if err := checkClusters(snap, opts.Clusters); err != nil {
			return nil, err
		}
		if date.IsZero() {
			date = time.Now().UTC()
		}
		r := scoped(evaluateLogged(opts, "working tree", snap, date, nil, ev))
		r.Date = date
		return r, nil
	}
	if opts.Ref != "" || opts.Since != "" || opts.Month != "" {
		// A shallow or partial clone gets the history it lacks, or says how to.
		if err := repo.Complete(ctx); err != nil {
			return nil, err
		}
	}
	tip, err := repo.Resolve(ref)
	if err != nil {
		return nil, err
	}
	head, base := tip, (*object.Commit)(nil)
	switch {
	case opts.Month != "":
		start, _ := time.Parse("2006-01", opts.Month)
		end := start.AddDate(0, 1, 0)
		if head, err = repo.LastBefore(tip, end); err != nil {
			return nil, err
		}
		if head == nil {
			return nil, fmt.Errorf("repository %s: no commit of %s before %s", opts.Repo, ref, end.Format("2006-01-02"))
		}
		if base, err = repo.LastBefore(tip, start); err != nil {
			return nil, err
		}
		if base != nil && base.Hash == head.Hash {
			return nil, fmt.Errorf("repository %s: no commit of %s in %s: the state then is commit %s of %s, unchanged that month; report it with --ref %s",
				opts.Repo, ref, opts.Month, head.Hash.String()[:12], head.Committer.When.UTC().Format("2006-01-02"), head.Hash.String()[:12])
		}
	case opts.Since != "" && dateRE.MatchString(opts.Since):
		t, err := time.Parse("2006-01-02", opts.Since)
		if err != nil {
			return nil, &OptionError{Option: "since", Value: opts.Since, Reason: err.Error()}
		}
		if base, err = repo.LastBefore(tip, t); err != nil {
			return nil, err
		}
		if base == nil {
			return nil, fmt.Errorf("repository %s: no commit before %s", opts.Repo, opts.Since)
		}
	case opts.Since != "":
		if base, err = repo.Resolve(opts.Since); err != nil {
			return nil, err
		}
	}
	snap, err := repo.Snapshot(head, ref)
	if err != nil {
		return nil, err
	}
	if err := checkClusters(snap, opts.Clusters); err != nil {
		return nil, err
	}
	var two *twoStates
	if opts.Month != "" || opts.Since != "" {
		two = &twoStates{cache: render.NewCache()} // the two states share most builds and findings
	}
	if date.IsZero() {
		date = snap.CommitDate.UTC()
	}
	r := scoped(evaluateLogged(opts, "commit "+short(snap.Commit), snap, date, two, ev))
	r.Date, r.Month = date, opts.Month
	if opts.Month == "" && opts.Since == "" {
		return r, nil
	}
	commits, err := repo.Between(base, head)
	if err != nil {
		return nil, err
	}
	r.Commits = []reports.Commit{}
	for _, c := range commits {
		subject, _, _ := strings.Cut(strings.TrimSpace(c.Message), "\n")
		r.Commits = append(r.Commits, reports.Commit{Hash: c.Hash.String(), Date: c.Committer.When.UTC(), Author: c.Author.Name, Subject: subject})
	}
	var baseFindings []reports.Finding
	if base != nil {
		// What the first state left dead (its checks' work) is reused by
		// the second instead of fresh memory.
		gcpolicy.PhaseDone()
		bsnap, err := repo.Snapshot(base, base.Hash.String())
		if err != nil {
			return nil, err
		}
		br := scoped(evaluateLogged(opts, "base commit "+short(bsnap.Commit), bsnap, date, two, ev))
		baseRef := opts.Since
		if baseRef == "" {
			baseRef = base.Hash.String()
		}
		r.Base = &reports.Baseline{Ref: baseRef, Commit: base.Hash.String(), CommitDate: base.Committer.When.UTC(), Summary: br.Summary, Coverage: br.Coverage}
		baseFindings = br.Findings
	}
	r.Changes = Diff(baseFindings, r.Findings)
	return r, nil
}

// evaluateLogged evaluates one state and reports its progress.
func evaluateLogged(opts Options, what string, snap *source.Snapshot, date time.Time, two *twoStates, ev *evidence.Set) *reports.Report {
	start := time.Now()
	r := evaluate(snap, date, two, opts.Clusters, ev)
	opts.progress("%s rendered and checked in %s: %d of %d sources rendered, %d not evaluated, %d objects, %d workloads, %d findings",
		what, time.Since(start).Round(time.Millisecond), r.Coverage.Rendered, r.Coverage.Sources, r.Coverage.NotEvaluated,
		r.Coverage.Objects, r.Coverage.Workloads, len(r.Findings))
	for _, c := range r.Coverage.Clusters {
		name := c.Cluster
		if name == "" {
			name = "(repository)"
		}
		opts.progress("  cluster %s: %d objects, %d workloads, %d sources rendered, %d not evaluated", name, c.Objects, c.Workloads, c.Rendered, c.NotEvaluated)
	}
	return r
}

func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

// UnknownClusterError is a cluster asked for (Options.Clusters) that has no
// clusters/<name>/ directory in the repository.
type UnknownClusterError struct {
	Cluster, Repo string
	// Have are the clusters the repository has.
	Have []string
}

func (e *UnknownClusterError) Error() string {
	if len(e.Have) == 0 {
		return fmt.Sprintf("repository %s has no clusters/<cluster>/ directories", e.Repo)
	}
	return fmt.Sprintf("repository %s has no clusters/%s/ (it has %s)", e.Repo, e.Cluster, strings.Join(e.Have, ", "))
}

// checkClusters fails with an UnknownClusterError when a cluster asked for
// has no clusters/<name>/ directory in the snapshot.
func checkClusters(snap *source.Snapshot, want []string) error {
	if len(want) == 0 {
		return nil
	}
	names := render.ClusterNames(snap)
	for _, c := range want {
		if !slices.Contains(names, c) {
			return &UnknownClusterError{Cluster: c, Repo: snap.Repo, Have: names}
		}
	}
	return nil
}

// onlyClusters keeps the findings of the given clusters and those of the
// repository as a whole (no cluster), and scores again.
func onlyClusters(r *reports.Report, clusters []string) *reports.Report {
	r.Findings = slices.DeleteFunc(r.Findings, func(f reports.Finding) bool {
		return f.Cluster != "" && !slices.Contains(clusters, f.Cluster)
	})
	Score(r)
	return r
}

// Diff returns the failing findings of head that were not failing in base
// (new), those of base no longer failing in head whose object head still
// evaluates (fixed), and those whose object head no longer evaluates (no
// longer evaluated: its source stopped rendering, is not evaluated, or the
// object is gone). An object is evaluated in head when a finding of head
// names it (cluster, namespace and object); a finding without an object
// (a file) when head has a finding of the same control for that file.
func Diff(base, head []reports.Finding) *reports.Changes {
	key := func(f reports.Finding) string {
		k := strings.Join([]string{f.Control, f.Cluster, f.Environment, f.Namespace, f.Object, f.Deployer}, "|")
		if f.Object == "" {
			k += "|" + f.File + "|" + f.Message
		}
		return k
	}
	failing := func(fs []reports.Finding) map[string]bool {
		m := map[string]bool{}
		for _, f := range fs {
			if f.Status == reports.StatusFail {
				m[key(f)] = true
			}
		}
		return m
	}
	bf, hf := failing(base), failing(head)
	where := func(f reports.Finding) string {
		if f.Object == "" {
			return "file|" + f.Control + "|" + f.Cluster + "|" + f.File
		}
		return "object|" + f.Cluster + "|" + f.Namespace + "|" + f.Object
	}
	evaluated := map[string]bool{}
	for _, f := range head {
		evaluated[where(f)] = true
	}
	ch := &reports.Changes{New: []reports.Finding{}, Fixed: []reports.Finding{}, NoLongerEvaluated: []reports.Finding{}}
	for _, f := range head {
		if f.Status == reports.StatusFail && !bf[key(f)] {
			ch.New = append(ch.New, f)
		}
	}
	for _, f := range base {
		if f.Status != reports.StatusFail || hf[key(f)] {
			continue
		}
		if evaluated[where(f)] {
			ch.Fixed = append(ch.Fixed, f)
		} else {
			ch.NoLongerEvaluated = append(ch.NoLongerEvaluated, f)
		}
	}
	return ch
}

// Evaluate evaluates one snapshot; date decides waiver expiry.
func Evaluate(snap *source.Snapshot, date time.Time) *reports.Report {
	return evaluate(snap, date, nil, nil, nil)
}

func evaluate(snap *source.Snapshot, date time.Time, two *twoStates, clusters []string, ev *evidence.Set) *reports.Report {
	states, stateProblems := readStates(snap)
	stop := captureOutput()
	disc := render.Render(snap, render.Options{Cache: two.renderCache(), Clusters: clusters})
	logged := stop()
	// Rendering leaves most of what it allocated dead (values merged per
	// chart, template temporaries: 500 Helm services, ~88 MB allocated,
	// ~38 MB live); collected now, the checks reuse it instead of growing
	// the heap to ~107 MB, and the collection that would have run during
	// them, with more live and the checks' allocations assisting it, does
	// not run. Not for the second of two states: its rendering comes
	// mostly from the first's cache and leaves little dead, and a
	// collection would mark both states.
	if two.rendersAfresh() {
		gcpolicy.PhaseDone()
	}
	cov, warnings := coverage(disc)
	warnings = append(warnings, logWarnings(snap, logged)...)
	disc.Problems = append(disc.Problems, stateProblems...)
	trusted, regFile, regProblems := readBaseline(snap, states)
	disc.Problems = append(disc.Problems, regProblems...)
	findings := two.check(snap, &checks.Input{Discovery: disc, States: states, TrustedRegistries: trusted, RegistriesFile: regFile, Evidence: ev})
	waivers, waiverProblems := collectWaivers(snap, disc, date)
	if len(waiverProblems) > 0 {
		// Malformed waiver files are a rendering problem of the repository.
		c, _ := reports.LookupControl("PLN-OPS-003")
		for _, p := range waiverProblems {
			f := reports.Finding{Control: c.ID, Title: c.Title, Category: c.Category, Severity: c.Severity,
				Status: reports.StatusFail, File: p.File, Line: p.Line}
			i18n.SetMessage(&f, checks.ProblemMsg(p))
			findings = append(findings, f)
		}
	}
	applyWaivers(findings, waivers, disc)
	r := &reports.Report{
		SchemaVersion: reports.SchemaVersion,
		Repo:          snap.Repo, Ref: snap.Ref, Commit: snap.Commit, CommitDate: snap.CommitDate,
		Findings: findings,
		Waivers:  waivers,
		Coverage: cov,
		Warnings: sortWarnings(warnings),
	}
	sortFindings(r.Findings)
	Score(r)
	return r
}

func sortFindings(fs []reports.Finding) {
	order := map[string]int{}
	for i, c := range reports.Catalog() {
		order[c.ID] = i
	}
	// Sorted by index (a finding is large to move), stably: the order is
	// the one sorting the findings themselves gives.
	rank := make([]int32, len(fs)) // of the finding's control
	idx := make([]int32, len(fs))
	for i := range idx {
		idx[i], rank[i] = int32(i), int32(order[fs[i].Control])
	}
	compare := func(i, j int32) int {
		if rank[i] != rank[j] {
			return cmp.Compare(rank[i], rank[j])
		}
		a, b := &fs[i], &fs[j]
		// The keys one after the other (cmp.Or would compare them all).
		if c := comparePairs(a.Cluster, b.Cluster, a.Environment, b.Environment, a.Namespace, b.Namespace, a.File, b.File); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Line, b.Line); c != 0 {
			return c
		}
		return comparePairs(a.Object, b.Object, a.Message, b.Message)
	}
	if !slices.IsSorted(rank) {
		slices.SortStableFunc(idx, compare)
		permute(fs, idx)
		return
	}
	// In control order, as the checks make them (no finding added
	// after): each control's findings sorted alone are in place, and
	// those already in order need no sorting.
	for lo := 0; lo < len(idx); {
		hi := lo + 1
		for hi < len(idx) && rank[hi] == rank[lo] {
			hi++
		}
		if run := idx[lo:hi]; !slices.IsSortedFunc(run, compare) {
			slices.SortStableFunc(run, compare)
		}
		lo = hi
	}
	permute(fs, idx)
}

// comparePairs compares the strings of the first pair, then those of the
// next while they are equal.
func comparePairs(pairs ...string) int {
	for i := 0; i+1 < len(pairs); i += 2 {
		if c := strings.Compare(pairs[i], pairs[i+1]); c != 0 {
			return c
		}
	}
	return 0
}

// permute puts fs[idx[k]] at k for every k, in place, following the
// cycles of the permutation idx (most findings are in place already); idx
// is used up.
func permute(fs []reports.Finding, idx []int32) {
	for k := range idx {
		if int(idx[k]) == k {
			continue
		}
		first := fs[k]
		j := k
		for {
			from := int(idx[j])
			idx[j] = int32(j)
			if from == k {
				fs[j] = first
				break
			}
			fs[j] = fs[from]
			j = from
		}
	}
}

// Scope names a cluster and environment in Report.Scopes.
func Scope(cluster, env string) string {
	switch {
	case cluster == "" && env == "":
		return "repository"
	case env == "" || env == cluster:
		return cluster
	case cluster == "":
		return env
	}
	return cluster + "/" + env
}

var statusRank = map[string]int{reports.StatusNA: 0, reports.StatusPass: 1, reports.StatusWaived: 2, reports.StatusManual: 3, reports.StatusFail: 4}

func worse(a, b string) string {
	if a == "" || statusRank[b] > statusRank[a] {
		return b
	}
	return a
}

// Score fills Scopes, Controls and Summary from Findings: a control's score
// is passed/total over its pass, waived and fail findings (waived counts as
// passed; manual and n/a are not counted); category and overall scores use
// the same ratio over all their findings.
func Score(r *reports.Report) {
	byControl := map[string]*reports.ControlResult{}
	var results []*reports.ControlResult
	for _, c := range reports.Catalog() {
		cr := &reports.ControlResult{Control: c, Scopes: map[string]string{}}
		byControl[c.ID] = cr
		results = append(results, cr)
	}
	scopes := map[string]bool{}
	sum := reports.Summary{FailingControls: map[string]int{}}
	cats := map[string]*reports.CategoryScore{}
	// The findings of a control and scope come one after the other: the
	// scope (a string made) and the control are found again only when they change.
	var sc, cluster, env, control string
	var cr *reports.ControlResult
	for i := range r.Findings {
		f := &r.Findings[i]
		if i == 0 || f.Cluster != cluster || f.Environment != env {
			sc, cluster, env = Scope(f.Cluster, f.Environment), f.Cluster, f.Environment
			scopes[sc] = true
		}
		if i == 0 || f.Control != control {
			cr, control = byControl[f.Control], f.Control
		}
		if cr == nil {
			continue
		}
		cr.Status = worse(cr.Status, f.Status)
		cr.Scopes[sc] = worse(cr.Scopes[sc], f.Status)
		cat := cats[cr.Category]
		if cat == nil {
			cat = &reports.CategoryScore{Category: cr.Category}
			cats[cr.Category] = cat
		}
		switch f.Status {
		case reports.StatusPass:
			cr.Passed++
			sum.Passed++
			cat.Passed++
		case reports.StatusWaived:
			cr.Passed++
			sum.Waived++
			cat.Passed++
		case reports.StatusFail:
			sum.Failed++
		case reports.StatusManual:
			sum.Manual++
			continue
		default:
			continue
		}
		cr.Total++
		cat.Total++
	}
	r.Controls = r.Controls[:0]
	r.Coverage.Controls = 0
	for _, cr := range results {
		if cr.Total > 0 {
			r.Coverage.Controls++
		}
		if cr.Status == "" {
			cr.Status = reports.StatusNA
		}
		if cr.Status == reports.StatusFail {
			sum.FailingControls[cr.Severity]++
		}
		r.Controls = append(r.Controls, *cr)
	}
	sum.Total = sum.Passed + sum.Waived + sum.Failed
	sum.Score = percent(sum.Passed+sum.Waived, sum.Total)
	for _, c := range reports.Categories {
		cat := cats[c]
		if cat == nil {
			cat = &reports.CategoryScore{Category: c}
		}
		cat.Score = percent(cat.Passed, cat.Total)
		sum.Categories = append(sum.Categories, *cat)
	}
	r.Summary = sum
	if r.Warnings == nil {
		r.Warnings = []reports.Warning{}
	}
	if r.Coverage.Clusters == nil {
		r.Coverage.Clusters = []reports.ClusterCoverage{}
	}
	if r.Coverage.Skipped == nil {
		r.Coverage.Skipped = []reports.NotEvaluated{}
	}
	r.Scopes = r.Scopes[:0]
	for s := range scopes {
		r.Scopes = append(r.Scopes, s)
	}
	sort.Strings(r.Scopes)
	if r.Findings == nil {
		r.Findings = []reports.Finding{}
	}
	if r.Waivers == nil {
		r.Waivers = []reports.Waiver{}
	}
}

// percent is 100*n/total rounded to one decimal; 0 when nothing is
// counted (the score is n/a then: renderers show it so, see Scored).
func percent(n, total int) float64 {
	if total == 0 {
		return 0
	}
	return float64(int(float64(n)*1000/float64(total)+0.5)) / 10
}

// readStates reads .plinth/clusters/<name>.json.
func readStates(snap *source.Snapshot) (map[string]*checks.ClusterState, []render.Problem) {
	states := map[string]*checks.ClusterState{}
	probs := linkedPlinthDirs(snap)
	for _, p := range snap.List(StateDir) {
		if !strings.HasSuffix(p, ".json") {
			continue
		}
		data, ok, prob := plinthFile(snap, p)
		if prob != nil {
			probs = append(probs, *prob)
		}
		if !ok {
			continue
		}
		var st checks.ClusterState
		if err := json.Unmarshal(data, &st); err != nil {
			probs = append(probs, render.Templated(render.Problem{File: p, Line: 1}, "invalid cluster state: %v", err))
			continue
		}
		name := strings.TrimSuffix(path.Base(p), ".json")
		if st.Name == "" {
			st.Name = name
		}
		st.File, st.Data = p, data
		states[name] = &st
	}
	return states, probs
}

// readBaseline reads trusted registries from .plinth/baseline.yaml and the
// cluster states.
func readBaseline(snap *source.Snapshot, states map[string]*checks.ClusterState) ([]string, string, []render.Problem) {
	var regs []string
	file := ""
	var probs []render.Problem
	data, ok, prob := plinthFile(snap, BaselineFile)
	if prob != nil {
		probs = append(probs, *prob)
	}
	if ok {
		var b struct {
			TrustedRegistries []string `yaml:"trustedRegistries"`
		}
		if err := yaml.Unmarshal(data, &b); err != nil {
			probs = append(probs, render.Templated(render.Problem{File: BaselineFile, Line: 1}, "invalid baseline configuration: %v", err))
		}
		regs = append(regs, b.TrustedRegistries...)
		file = BaselineFile
	}
	names := make([]string, 0, len(states))
	for n := range states {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		regs = append(regs, states[n].Registries...)
		if len(states[n].Registries) > 0 && file == "" {
			file = states[n].File
		}
	}
	sort.Strings(regs)
	return slices.Compact(regs), file, probs
}
