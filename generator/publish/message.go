package publish

import (
	"fmt"
	"sort"
	"strings"

	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// maxListed bounds the files listed per group in a commit message; the rest
// are counted.
const maxListed = 200

// message builds the commit message: a summary line, then the added, changed
// and removed files per group (cluster), then trailers with the plinth
// version and the platform repository's commit.
func message(opts Options, sub string, changes []repo.Change) string {
	a, m, r := repo.Count(changes)
	var b strings.Builder
	summary := strings.TrimSpace(strings.SplitN(opts.Message, "\n", 2)[0])
	if summary == "" {
		what := "generated manifests"
		if opts.Title != "" {
			what = opts.Title
		}
		summary = fmt.Sprintf("plinth: publish %s (%d added, %d changed, %d removed)", what, a, m, r)
	}
	b.WriteString(summary)
	b.WriteString("\n")
	if rest := strings.SplitN(opts.Message, "\n", 2); len(rest) == 2 && strings.TrimSpace(rest[1]) != "" {
		b.WriteString("\n" + strings.TrimSpace(rest[1]) + "\n")
	}

	groups := map[string][]repo.Change{}
	for _, c := range changes {
		rel := c.Path
		if sub != "" {
			rel = strings.TrimPrefix(rel, sub+"/")
		}
		g := ""
		if opts.Group != nil {
			g = opts.Group(rel)
		}
		if g == "" {
			g = "other"
		}
		groups[g] = append(groups[g], c)
	}
	names := make([]string, 0, len(groups))
	for g := range groups {
		names = append(names, g)
	}
	sort.Slice(names, func(i, j int) bool {
		// "other" last, clusters by name.
		if (names[i] == "other") != (names[j] == "other") {
			return names[j] == "other"
		}
		return names[i] < names[j]
	})
	for _, g := range names {
		cs := groups[g]
		ga, gm, gr := repo.Count(cs)
		label := "cluster " + g
		if g == "other" {
			label = "other files"
		}
		fmt.Fprintf(&b, "\n%s: %d added, %d changed, %d removed\n", label, ga, gm, gr)
		for i, c := range cs {
			if i == maxListed {
				fmt.Fprintf(&b, "  ... and %d more\n", len(cs)-maxListed)
				break
			}
			fmt.Fprintf(&b, "  %-7s %s\n", c.Action, c.Path)
		}
	}
	b.WriteString("\n")
	v := opts.Version
	if v == "" {
		v = "dev"
	}
	fmt.Fprintf(&b, "Plinth-Version: %s\n", v)
	if opts.SourceCommit != "" {
		fmt.Fprintf(&b, "Platform-Commit: %s\n", opts.SourceCommit)
	}
	return b.String()
}
