// Package docs holds the manual (README.md at the repository root and the
// pages of this directory). Its test keeps the relative links between them
// from rotting.
package docs

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// linkRE finds inline Markdown links and images: [text](target) or
// [text](target "title").
var linkRE = regexp.MustCompile(`!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)`)

// pages returns README.md and every docs/*.md, relative to this directory.
func pages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no docs/*.md found")
	}
	return append([]string{filepath.Join("..", "README.md")}, docs...)
}

// TestRelativeLinks checks that every relative link of README.md and
// docs/*.md names a file or directory of the repository and, with a
// #fragment to a Markdown page, a heading of that page.
func TestRelativeLinks(t *testing.T) {
	anchors := map[string]map[string]bool{}
	anchorsOf := func(page string) map[string]bool {
		if a, ok := anchors[page]; ok {
			return a
		}
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		a := headingAnchors(string(data))
		anchors[page] = a
		return a
	}
	for _, page := range pages(t) {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range links(string(data)) {
			target, fragment, _ := strings.Cut(l.target, "#")
			if isExternal(target) {
				continue
			}
			resolved := page
			if target != "" {
				if strings.HasPrefix(target, "/") {
					t.Errorf("%s:%d: link %q is absolute; use a path relative to the page", page, l.line, l.target)
					continue
				}
				resolved = filepath.Join(filepath.Dir(page), filepath.FromSlash(target))
				if _, err := os.Stat(resolved); err != nil {
					t.Errorf("%s:%d: link %q: %s does not exist", page, l.line, l.target, resolved)
					continue
				}
			}
			if fragment == "" || !strings.HasSuffix(resolved, ".md") {
				continue
			}
			if !anchorsOf(resolved)[fragment] {
				t.Errorf("%s:%d: link %q: %s has no heading with the anchor #%s", page, l.line, l.target, resolved, fragment)
			}
		}
	}
}

type link struct {
	target string
	line   int
}

// links returns the link targets of a Markdown page outside fenced code
// blocks and inline code spans.
func links(md string) []link {
	var out []link
	fenced := false
	for i, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		for _, m := range linkRE.FindAllStringSubmatch(stripCode(line), -1) {
			out = append(out, link{target: m[1], line: i + 1})
		}
	}
	return out
}

// stripCode blanks inline code spans, where brackets are not links.
func stripCode(line string) string {
	var b strings.Builder
	inCode := false
	for _, r := range line {
		if r == '`' {
			inCode = !inCode
			continue
		}
		if !inCode {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isExternal(target string) bool {
	for _, scheme := range []string{"http://", "https://", "mailto:"} {
		if strings.HasPrefix(target, scheme) {
			return true
		}
	}
	return false
}

// headingAnchors returns the anchors GitHub gives the headings of a page:
// lower case, punctuation other than '-' and '_' dropped, spaces as '-',
// and "-1", "-2", … for repeats.
var htmlAnchor = regexp.MustCompile(`^<a id="([^"]+)"></a>$`)

func headingAnchors(md string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		// An explicit anchor (<a id="x"></a>) as generated pages write them.
		if m := htmlAnchor.FindStringSubmatch(trimmed); m != nil {
			out[m[1]] = true
			continue
		}
		if !strings.HasPrefix(line, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(line, "#"))
		a := slug(text)
		if n := seen[a]; n > 0 {
			out[a+"-"+strconv.Itoa(n)] = true
		} else {
			out[a] = true
		}
		seen[a]++
	}
	return out
}

func slug(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(r)
		}
	}
	return b.String()
}

// TestSlug pins the anchor rules the link check relies on.
func TestSlug(t *testing.T) {
	for heading, want := range map[string]string{
		"Ownership and the .plinth/ contract": "ownership-and-the-plinth-contract",
		"History: --since and --month":        "history---since-and---month",
		"Where to add…":                       "where-to-add",
		"report against kube-score":           "report-against-kube-score",
		"`plinth report` formats":             "plinth-report-formats",
	} {
		if got := slug(heading); got != want {
			t.Errorf("slug(%q) = %q, want %q", heading, got, want)
		}
	}
	md := "# A\n\n```\n# not a heading\n```\n## A\n"
	got := headingAnchors(md)
	if !got["a"] || !got["a-1"] || got["not-a-heading"] {
		t.Errorf("headingAnchors = %v, want a and a-1 only", got)
	}
	ls := links("see [x](a.md) and `[y](b.md)`\n```\n[z](c.md)\n```\n[w](d.md#e)")
	if len(ls) != 2 || ls[0].target != "a.md" || ls[1].target != "d.md#e" || ls[1].line != 5 {
		t.Errorf("links = %+v, want a.md on line 1 and d.md#e on line 5", ls)
	}
}
