package scan

import (
	"fmt"
	"path"
	"strings"
	"time"

	yaml "go.yaml.in/yaml/v3"

	"github.com/plinth-dev/plinth/internal/gitops/render"
	"github.com/plinth-dev/plinth/internal/gitops/source"
	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// Annotations of a waiver on an object.
const (
	AnnotationWaive       = "plinth.dev/waive"
	AnnotationWaiveReason = "plinth.dev/waive-reason"
	AnnotationWaiveUntil  = "plinth.dev/waive-until"
)

// collectWaivers reads waiver annotations of every object and the waiver
// file. A waiver without reason, with a bad date or past its date is
// marked expired: it does not waive.
func collectWaivers(snap *source.Snapshot, disc *render.Result, date time.Time) ([]reports.Waiver, []render.Problem) {
	var out []reports.Waiver
	for _, o := range disc.Objects {
		ann, _ := o.Value["metadata"].(map[string]any)
		ann, _ = ann["annotations"].(map[string]any)
		ids, _ := ann[AnnotationWaive].(string)
		if strings.TrimSpace(ids) == "" {
			continue
		}
		reason, _ := ann[AnnotationWaiveReason].(string)
		until, _ := ann[AnnotationWaiveUntil].(string)
		ns := o.Namespace
		if ns == "" && !o.ClusterScoped() {
			ns = "default"
		}
		for _, id := range strings.Split(ids, ",") {
			w := reports.Waiver{Control: strings.TrimSpace(id), Cluster: o.Cluster, Namespace: ns, Object: o.ID(),
				File: o.File, Line: o.Line, Reason: strings.TrimSpace(reason), Until: strings.TrimSpace(until)}
			w.Expired = expired(w, date)
			out = append(out, w)
		}
	}
	fileWaivers, probs := readWaiverFile(snap, date)
	return append(out, fileWaivers...), probs
}

func expired(w reports.Waiver, date time.Time) bool {
	if w.Reason == "" {
		return true
	}
	if w.Until == "" {
		return false
	}
	t, err := time.Parse("2006-01-02", w.Until)
	if err != nil {
		return true
	}
	// A waiver holds through its last day.
	return !date.Before(t.AddDate(0, 0, 1))
}

// readWaiverFile reads .plinth/waivers.yaml:
//
//	waivers:
//	- control: PLN-RES-003
//	  cluster: prod          # optional: any field left out matches everything
//	  namespace: legacy
//	  object: Namespace/legacy
//	  reason: migrating in Q4
//	  until: 2026-12-31
func readWaiverFile(snap *source.Snapshot, date time.Time) ([]reports.Waiver, []render.Problem) {
	data, ok, prob := plinthFile(snap, WaiverFile)
	if prob != nil {
		return nil, []render.Problem{*prob}
	}
	if !ok {
		return nil, nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, []render.Problem{render.Templated(render.Problem{File: WaiverFile, Line: 1}, "invalid waiver file: %v", err)}
	}
	if len(doc.Content) == 0 {
		return nil, nil
	}
	var list *yaml.Node
	root := doc.Content[0]
	for i := 0; root.Kind == yaml.MappingNode && i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "waivers" {
			list = root.Content[i+1]
		}
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, []render.Problem{render.Templated(render.Problem{File: WaiverFile, Line: root.Line}, "invalid waiver file: want a top-level \"waivers:\" list")}
	}
	var out []reports.Waiver
	var probs []render.Problem
	for _, item := range list.Content {
		var e struct {
			Control   string `yaml:"control"`
			Cluster   string `yaml:"cluster"`
			Namespace string `yaml:"namespace"`
			Object    string `yaml:"object"`
			Reason    string `yaml:"reason"`
			Until     string `yaml:"until"`
		}
		if err := item.Decode(&e); err != nil || e.Control == "" {
			probs = append(probs, render.Templated(render.Problem{File: WaiverFile, Line: item.Line}, "invalid waiver: want a mapping with at least control and reason"))
			continue
		}
		w := reports.Waiver{Control: e.Control, Cluster: e.Cluster, Namespace: e.Namespace, Object: e.Object,
			File: WaiverFile, Line: item.Line, Reason: strings.TrimSpace(e.Reason), Until: e.Until}
		w.Expired = expired(w, date)
		out = append(out, w)
	}
	return out, probs
}

// applyWaivers turns failing findings matched by a valid waiver into waived
// ones; a finding matched only by expired waivers stays failing and says so.
func applyWaivers(findings []reports.Finding, waivers []reports.Waiver, _ *render.Result) {
	for i := range findings {
		f := &findings[i]
		if f.Status != reports.StatusFail {
			continue
		}
		var expiredBy *reports.Waiver
		for j := range waivers {
			w := &waivers[j]
			if !matches(w, f) {
				continue
			}
			if w.Expired {
				expiredBy = w
				continue
			}
			f.Status = reports.StatusWaived
			i18n.SetMessage(f, reports.M("scan.waived", fmt.Sprintf("%s:%d", w.File, w.Line), w.Reason, messageOf(f)))
			expiredBy = nil
			break
		}
		if expiredBy != nil {
			why := reports.M("scan.waiverNoReason")
			if expiredBy.Reason != "" {
				why = reports.M("scan.waiverExpired", expiredBy.Until)
			}
			i18n.SetMessage(f, reports.M("scan.waiverNotApplied", messageOf(f), fmt.Sprintf("%s:%d", expiredBy.File, expiredBy.Line), why))
		}
	}
}

// messageOf is a finding's message (its text when it has none).
func messageOf(f *reports.Finding) reports.Msg {
	if f.Msg.IsZero() {
		return reports.M("msg.text", f.Message)
	}
	return f.Msg
}

func matches(w *reports.Waiver, f *reports.Finding) bool {
	if w.Control != f.Control {
		return false
	}
	if w.File != WaiverFile {
		// An annotation waives findings about its own object, and absence
		// findings about the namespace it defines.
		return w.Cluster == f.Cluster && w.Object == f.Object && (w.Namespace == f.Namespace || strings.HasPrefix(w.Object, "Namespace/"))
	}
	return (w.Cluster == "" || w.Cluster == f.Cluster) && (w.Namespace == "" || w.Namespace == f.Namespace) && (w.Object == "" || w.Object == f.Object)
}

// plinthFile reads a file of .plinth/ the report uses (waivers, baseline,
// cluster states). A symbolic link there, or a file that cannot be read, is
// a problem like a broken file, never silently ignored: a link could swap
// in another file's waivers or hide the real ones. ok is false when there is
// no such file.
func plinthFile(snap *source.Snapshot, p string) (data []byte, ok bool, prob *render.Problem) {
	f, found := snap.File(p)
	switch {
	case !found:
		return nil, false, nil
	case f.Link != "":
		return nil, false, problemAt(render.Templated(render.Problem{File: p, Line: 1}, "%s is a symbolic link (to %q); not read: replace it with the file itself", p, f.Link))
	case f.Err != nil:
		return nil, false, problemAt(render.Templated(render.Problem{File: p, Line: 1}, "%s cannot be read; not read: %v", p, f.Err))
	}
	return f.Data, true, nil
}

// linkedPlinthDirs reports .plinth/ or .plinth/clusters/ kept as a symbolic
// link: nothing below it is read.
// problemAt is a pointer to p.
func problemAt(p render.Problem) *render.Problem { return &p }

func linkedPlinthDirs(snap *source.Snapshot) []render.Problem {
	var probs []render.Problem
	for _, dir := range []string{path.Dir(StateDir), StateDir} {
		if f, ok := snap.File(dir); ok && f.Link != "" {
			probs = append(probs, render.Templated(render.Problem{File: dir, Line: 1},
				"%s is a symbolic link (to %q); not read: the waivers, baseline and cluster states below it are ignored", dir, f.Link))
		}
	}
	return probs
}
