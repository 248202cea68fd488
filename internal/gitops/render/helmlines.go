package render

import (
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/source"
)

// kindAt is a "kind: <kind>" line of a template: the kind, whether the line
// is indented, and the line its document starts on (1-based).
type kindAt struct {
	kind     string
	indented bool
	start    int
}

// templateKinds lists the "kind:" lines of a template file of snap, read
// once per Render (a chart's templates serve every release of it).
func (p *parsedTemplates) templateKinds(snap *source.Snapshot, file string) []kindAt {
	p.mu.Lock()
	ks, ok := p.kinds[file]
	p.mu.Unlock()
	if ok {
		return ks
	}
	if f, ok := snap.File(file); ok && f.Err == nil {
		lines := strings.Split(string(f.Data), "\n")
		for i, l := range lines {
			if !strings.Contains(l, "kind:") {
				continue // what kindLine matches has it
			}
			if m := kindLine.FindStringSubmatch(l); m != nil {
				ks = append(ks, kindAt{kind: m[1], indented: strings.HasPrefix(l, " "), start: docStart(lines, i) + 1})
			}
		}
	}
	p.mu.Lock()
	if p.kinds == nil {
		p.kinds = map[string][]kindAt{}
	}
	p.kinds[file] = ks
	p.mu.Unlock()
	return ks
}
