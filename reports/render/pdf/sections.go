package pdf

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/plinth-dev/plinth/reports"
)

// controlTitle is the control's title in the document's language.
func (d *doc) controlTitle(c *reports.Control) string { return d.t.Title(*c) }

// control looks a control up by ID; ok is false for an unknown ID.
func (d *doc) control(id string) (*reports.ControlResult, bool) {
	if d.controls == nil {
		d.controls = make(map[string]*reports.ControlResult, len(d.r.Controls))
		for i := range d.r.Controls {
			if _, dup := d.controls[d.r.Controls[i].ID]; !dup {
				d.controls[d.r.Controls[i].ID] = &d.r.Controls[i]
			}
		}
	}
	c, ok := d.controls[id]
	return c, ok
}

// findingTitle is the title of a finding's control in the document's language.
func (d *doc) findingTitle(f *reports.Finding) string {
	if c, ok := d.control(f.Control); ok {
		return d.controlTitle(&c.Control)
	}
	return f.Title
}

func pct(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) + "%" }

// scoreColor is the colour of a score over total counted checks (grey
// for n/a).
func scoreColor(v float64, total int) rgb {
	switch {
	case total == 0:
		return colNA
	case v >= 90:
		return colPass
	case v >= 70:
		return colWaived
	}
	return colFail
}

func location(file string, line int) string {
	if file == "" {
		return "—"
	}
	if line > 0 {
		return file + ":" + strconv.Itoa(line)
	}
	return file
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// ---- cover ----

func (d *doc) cover() {
	f, t, r := d.f, d.t, d.r
	f.AddPage()
	f.Bookmark(d.clean(t.T("pdf.title")), 0, -1)
	f.SetY(48)
	d.font("B", 11, colAccent)
	f.CellFormat(contentW, 6, d.clean(t.T("pdf.cover")), "", 1, "LM", false, 0, "")
	d.font("B", 26, colInk)
	for _, l := range d.wrap(t.T("pdf.title"), contentW) {
		f.CellFormat(contentW, 12, l, "", 1, "LM", false, 0, "")
	}
	if m := d.period(); m != "" {
		d.font("B", 20, colAccent)
		f.CellFormat(contentW, 11, d.clean(m), "", 1, "LM", false, 0, "")
	}
	f.Ln(3)
	d.stroke(colAccent, 0.8)
	f.Line(marginL, f.GetY(), marginL+40, f.GetY())
	f.Ln(8)

	commit := orDash(shortHash(r.Commit))
	if !r.CommitDate.IsZero() {
		commit += "  (" + day(r.CommitDate) + ")"
	}
	base := t.T("pdf.noBase")
	if r.Base != nil {
		base = orDash(shortHash(r.Base.Commit))
		if !r.Base.CommitDate.IsZero() {
			base += "  (" + day(r.Base.CommitDate) + ")"
		}
		// The ref names the base unless it is just its hash (--since <hash>).
		if ref := r.Base.Ref; ref != "" && !strings.HasPrefix(r.Base.Commit, ref) {
			base += "  " + ref
		}
	}
	kv := d.newTable(10,
		column{w: 52, align: "L"},
		column{w: contentW - 52, align: "L"},
	)
	kv.lines = 3
	rows := [][2]string{
		{t.T("pdf.repository"), orDash(r.Repo)},
		{t.T("pdf.ref"), orDash(r.Ref)},
	}
	if m := d.month(); m != "" {
		rows = append(rows, [2]string{t.T("pdf.month"), m})
	}
	rows = append(rows, [][2]string{
		{t.T("pdf.commit"), commit},
		{t.T("pdf.comparedWith"), base},
		{t.T("pdf.scopes"), orDash(strings.Join(mapStrings(d.scopes(), t.Scope), ", "))},
		{t.T("pdf.overallScore"), t.Score(r.Summary, r.Coverage)},
		{t.T("cov.percent"), t.Sources(r.Coverage) + "; " + t.Objects(r.Coverage)},
		{t.T("pdf.reportDate"), day(r.Date)},
	}...)
	for _, kvr := range rows {
		kv.rows = 0 // no zebra striping on the cover
		kv.row(cell{text: kvr[0], color: &colMuted}, cell{text: kvr[1], bold: true})
	}

	// Sign-off block for the reviewer.
	f.SetY(max(f.GetY()+12, 190))
	d.subheading(t.T("pdf.signOffTitle"), -1, 40)
	so := d.newTable(9,
		column{head: t.T("pdf.signOffRole"), w: 40, align: "L"},
		column{head: t.T("pdf.signOffName"), w: 50, align: "L"},
		column{head: t.T("pdf.signature"), w: 60, align: "L"},
		column{head: t.T("pdf.date"), w: 30, align: "L"},
	)
	so.header()
	for range 3 {
		y := f.GetY()
		d.stroke(colRule, 0.25)
		x := marginL
		for _, c := range so.cols {
			f.Rect(x, y, c.w, 11, "D")
			x += c.w
		}
		f.SetY(y + 11)
	}

	f.SetY(pageH - marginBot - 16)
	d.para(fmt.Sprintf(t.T("pdf.generatedBy"), d.gen, day(d.stamp())), 8, colMuted)
}

// scopes are the report's scopes, or those the controls mention.
func (d *doc) scopes() []string {
	if len(d.r.Scopes) > 0 {
		return d.r.Scopes
	}
	seen := map[string]bool{}
	var out []string
	for _, c := range d.r.Controls {
		for s := range c.Scopes {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

// ---- summary ----

func (d *doc) summary() {
	f, t, r := d.f, d.t, d.r
	d.heading(t.T("pdf.summary"))
	s := r.Summary

	// Overall score box.
	y := f.GetY()
	d.fill(colZebra)
	f.Rect(marginL, y, 70, 36, "F")
	d.font("", 9, colMuted)
	f.SetXY(marginL+3, y+3)
	f.CellFormat(64, 5, d.clean(t.T("pdf.overallScore")), "", 0, "LM", false, 0, "")
	col := scoreColor(s.Score, s.Total)
	if r.Coverage.Workloads == 0 {
		col = colNA // no workload checked: never a green score
	}
	d.font("B", 30, col)
	f.SetXY(marginL+3, y+9)
	f.CellFormat(64, 14, d.t.Percent(s.Score, s.Total), "", 0, "LM", false, 0, "")
	d.font("", 8.5, colMuted)
	f.SetXY(marginL+3, y+26)
	prev := t.T("pdf.previous") + ": " + t.T("pdf.noPrevious")
	if b := r.Base; b != nil {
		prev = fmt.Sprintf("%s: %s", t.T("pdf.previous"), d.t.Percent(b.Summary.Score, b.Summary.Total))
		if b.Summary.Scored() && s.Scored() {
			prev += fmt.Sprintf("   %s: %+.1f", t.T("pdf.delta"), s.Score-b.Summary.Score)
		}
	}
	f.CellFormat(64, 5, d.fit(prev, 64), "", 0, "LM", false, 0, "")

	// Controls by status: the boxes add up to Total, the controls of the
	// catalog (findings are counted in the checklist and the findings).
	byStatus := map[string]int{}
	for _, c := range r.Controls {
		byStatus[c.Status]++
	}
	counts := []struct {
		label string
		n     int
		c     rgb
	}{
		{t.T("pdf.passed"), byStatus[reports.StatusPass], colPass},
		{t.T("pdf.failed"), byStatus[reports.StatusFail], colFail},
		{t.T("pdf.waived"), byStatus[reports.StatusWaived], colWaived},
		{t.T("pdf.manual"), byStatus[reports.StatusManual], colManual},
		{t.Status(reports.StatusNA), byStatus[reports.StatusNA], colNA},
		{t.T("pdf.total"), len(r.Controls), colInk},
	}
	x0 := marginL + 75
	bw := (contentW - 75) / float64(len(counts))
	d.font("", 9, colMuted)
	f.SetXY(x0, y)
	f.CellFormat(contentW-75, 5, d.clean(t.T("pdf.controlsByStatus")), "", 0, "LM", false, 0, "")
	for i, c := range counts {
		x := x0 + float64(i)*bw
		d.fill(colZebra)
		f.Rect(x+0.5, y+7, bw-1, 29, "F")
		d.fill(c.c)
		f.Rect(x+0.5, y+7, bw-1, 1.2, "F")
		d.font("B", 18, c.c)
		f.SetXY(x, y+12)
		f.CellFormat(bw, 10, strconv.Itoa(c.n), "", 0, "CM", false, 0, "")
		d.font("", 8, colInk)
		f.SetXY(x, y+25)
		f.CellFormat(bw, 5, d.fit(c.label, bw), "", 0, "CM", false, 0, "")
	}
	f.SetY(y + 39)
	// The score beside its coverage, and a warning when nothing deployed
	// was evaluated.
	d.para(t.ScoreLine(s, r.Coverage)+"; "+t.Objects(r.Coverage), 8.5, colInk)
	if r.Coverage.Workloads == 0 {
		d.font("B", 9.5, colFail)
		for _, l := range d.wrap(t.T("cov.nothing"), contentW) {
			f.SetX(marginL)
			f.CellFormat(contentW, 5, l, "", 1, "LM", false, 0, "")
		}
	}
	f.Ln(3)

	d.subheading(t.T("pdf.categoryScores"), -1, 80)
	d.barChart()

	d.subheading(t.T("pdf.failingBySeverity"), -1, 26)
	y = f.GetY()
	bw = contentW / float64(len(severities))
	for i, sev := range severities {
		x := marginL + float64(i)*bw
		d.statBox(x, y, bw, strconv.Itoa(s.FailingControls[sev]), t.Severity(sev), severityColor[sev])
	}
	f.SetY(y + 26)

	d.subheading(t.T("pdf.changes"), -1, 26)
	y = f.GetY()
	bw = contentW / 3
	newN, fixedN, goneN := "—", "—", "—"
	if r.Changes != nil {
		newN, fixedN, goneN = strconv.Itoa(len(r.Changes.New)), strconv.Itoa(len(r.Changes.Fixed)), strconv.Itoa(len(r.Changes.NoLongerEvaluated))
	}
	for i, c := range []struct {
		label, n string
		col      rgb
	}{{t.T("pdf.newFindings"), newN, colFail}, {t.T("pdf.fixedFindings"), fixedN, colPass}, {t.T("cov.noLonger"), goneN, colNA}} {
		x := marginL + float64(i)*bw
		label := c.label
		if r.Changes == nil {
			label += " (" + t.T("pdf.noPrevious") + ")"
		}
		d.statBox(x, y, bw, c.n, label, c.col)
	}
	f.SetY(y + 26)
}

// statBox draws a count with its label in a box of width w at (x, y),
// marked on the left in colour c.
func (d *doc) statBox(x, y, w float64, count, label string, c rgb) {
	f := d.f
	d.fill(colZebra)
	f.Rect(x+0.5, y, w-1, 20, "F")
	d.fill(c)
	f.Rect(x+0.5, y, 1.5, 20, "F")
	d.font("B", 16, c)
	f.SetXY(x+3, y+2)
	f.CellFormat(w-5, 9, count, "", 0, "LM", false, 0, "")
	d.font("", 8.5, colInk)
	f.SetXY(x+3, y+12)
	f.CellFormat(w-5, 5, d.fit(label, w-5), "", 0, "LM", false, 0, "")
}

// barChart draws each category's score as a horizontal bar with the
// previous month's score as a thinner grey bar above it.
func (d *doc) barChart() {
	f, t, r := d.f, d.t, d.r
	prev := map[string]reports.CategoryScore{}
	hasPrev := r.Base != nil
	if hasPrev {
		for _, c := range r.Base.Summary.Categories {
			prev[c.Category] = c
		}
	}
	cats := slices.Clone(r.Summary.Categories)
	slices.SortStableFunc(cats, func(a, b reports.CategoryScore) int {
		return cmp.Compare(categoryRank(a.Category), categoryRank(b.Category))
	})

	const labelW, valueW, rowH = 46.0, 26.0, 11.0
	x0 := marginL + labelW
	barW := contentW - labelW - valueW
	y0 := f.GetY() + 2
	n := len(cats)
	// grid
	d.font("", 7, colMuted)
	for _, v := range []float64{0, 25, 50, 75, 100} {
		x := x0 + barW*v/100
		d.stroke(colRule, 0.2)
		f.Line(x, y0-1, x, y0+float64(n)*rowH+1)
		f.SetXY(x-8, y0+float64(n)*rowH+1)
		f.CellFormat(16, 4, strconv.Itoa(int(v)), "", 0, "CM", false, 0, "")
	}
	for i, c := range cats {
		y := y0 + float64(i)*rowH
		d.font("", 9, colInk)
		f.SetXY(marginL, y+rowH/2-2.5)
		label := d.t.Category(c.Category)
		f.CellFormat(labelW-2, 5, d.fit(label, labelW-2), "", 0, "LM", false, 0, "")
		sub := fmt.Sprintf("%d/%d", c.Passed, c.Total)
		d.font("", 6.5, colMuted)
		f.SetXY(marginL, y+rowH/2+1.5)
		f.CellFormat(labelW-2, 3.5, sub, "", 0, "LM", false, 0, "")

		if hasPrev {
			p, ok := prev[c.Category]
			if ok && p.Scored() {
				d.fill(colPrevBar)
				f.Rect(x0, y+1.8, barW*clamp(p.Score)/100, 2.6, "F")
			}
			d.font("", 7, colMuted)
			f.SetXY(x0+barW+1, y+1.2)
			v := "—"
			if ok {
				v = d.t.Percent(p.Score, p.Total)
			}
			f.CellFormat(valueW-1, 3.8, v, "", 0, "LM", false, 0, "")
		}
		// Nothing to check: no bar (never a full one), a dashed outline.
		if c.Scored() {
			d.fill(colAccent)
			f.Rect(x0, y+5, barW*clamp(c.Score)/100, 4.2, "F")
		} else {
			d.stroke(colNA, 0.3)
			f.SetDashPattern([]float64{1, 1}, 0)
			f.Rect(x0, y+5, barW, 4.2, "D")
			f.SetDashPattern([]float64{}, 0)
		}
		d.font("B", 8.5, scoreColor(c.Score, c.Total))
		f.SetXY(x0+barW+1, y+5)
		f.CellFormat(valueW-1, 4.2, d.t.Percent(c.Score, c.Total), "", 0, "LM", false, 0, "")
	}
	// legend
	y := y0 + float64(n)*rowH + 7
	x := x0
	d.font("", 7.5, colInk)
	items := []struct {
		c     rgb
		label string
	}{{colAccent, t.T("pdf.current") + " (" + orDash(shortHash(r.Commit)) + ")"}}
	if hasPrev {
		items = append(items, struct {
			c     rgb
			label string
		}{colPrevBar, t.T("pdf.previous") + " (" + orDash(shortHash(r.Base.Commit)) + ")"})
	}
	for _, it := range items {
		d.fill(it.c)
		f.Rect(x, y+0.8, 6, 2.6, "F")
		f.SetXY(x+7, y)
		w := f.GetStringWidth(d.clean(it.label)) + 2*cellMargin
		f.CellFormat(w, 4.2, d.clean(it.label), "", 0, "LM", false, 0, "")
		x += 7 + w + 6
	}
	f.SetY(y + 10)
}

func clamp(v float64) float64 { return min(max(v, 0), 100) }

func categoryRank(c string) int {
	if i := slices.Index(reports.Categories, c); i >= 0 {
		return i
	}
	return len(reports.Categories)
}

// ---- scope and coverage ----

// coverage is the "Scope and coverage" page: the score beside its
// coverage, objects and workloads per cluster, every source not evaluated
// with its reason and where it is declared, and the tools' warnings.
func (d *doc) coverage() {
	t, r := d.t, d.r
	c := r.Coverage
	d.heading(t.T("cov.title"))
	d.para(t.T("cov.intro"), 8.5, colMuted)
	d.f.Ln(2)
	d.font("B", 11, colInk)
	for _, l := range d.wrap(t.Score(r.Summary, c)+"; "+t.Sources(c), contentW) {
		d.f.SetX(marginL)
		d.f.CellFormat(contentW, 6, l, "", 1, "LM", false, 0, "")
	}
	d.para(t.Objects(c), 10, colInk)
	if r.Base != nil {
		d.para(t.T("pdf.previous")+" ("+shortHash(r.Base.Commit)+"): "+t.ScoreLine(r.Base.Summary, r.Base.Coverage), 9, colMuted)
	}
	if c.Workloads == 0 {
		d.f.Ln(2)
		d.font("B", 10, colFail)
		for _, l := range d.wrap(t.T("cov.nothing"), contentW) {
			d.f.SetX(marginL)
			d.f.CellFormat(contentW, 5.5, l, "", 1, "LM", false, 0, "")
		}
	}
	d.f.Ln(4)
	tb := d.newTable(8,
		column{head: t.T("cov.cluster"), w: 50, align: "L"},
		column{head: t.T("cov.objectsCol"), w: 26, align: "R"},
		column{head: t.T("cov.workloadsCol"), w: 26, align: "R"},
		column{head: t.T("cov.renderedCol"), w: 39, align: "R"},
		column{head: t.T("cov.skippedCol"), w: contentW - 141, align: "R"},
	)
	tb.header()
	for _, cl := range c.Clusters {
		sk := cell{text: strconv.Itoa(cl.NotEvaluated)}
		if cl.NotEvaluated > 0 {
			sk.bold, sk.color = true, &colFail
		}
		tb.row(cell{text: t.ClusterLabel(cl.Cluster), bold: true}, cell{text: strconv.Itoa(cl.Objects)}, cell{text: strconv.Itoa(cl.Workloads)},
			cell{text: strconv.Itoa(cl.Rendered)}, sk)
	}
	d.f.Ln(5)

	d.subheading(fmt.Sprintf("%s (%d)", t.T("cov.notEvaluated"), len(c.Skipped)), 1, 14)
	if len(c.Skipped) == 0 {
		d.para(t.T("cov.allEvaluated"), 9, colMuted)
	} else {
		tb := d.newTable(7.5,
			column{head: t.T("cov.cluster"), w: 24, align: "L"},
			column{head: t.T("pdf.colReason"), w: 26, align: "L"},
			column{head: t.T("pdf.colLocation"), w: 50, align: "L"},
			column{head: t.T("pdf.colMessage"), w: contentW - 100, align: "L"},
		)
		tb.header()
		for _, s := range c.Skipped {
			tb.row(cell{text: t.ClusterLabel(s.Cluster)}, cell{text: t.Reason(s.Reason), bold: true}, cell{text: location(s.File, s.Line)}, cell{text: t.Skipped(s)})
		}
	}
	if len(r.Warnings) > 0 {
		d.f.Ln(5)
		d.subheading(fmt.Sprintf("%s (%d)", t.T("cov.warnings"), len(r.Warnings)), 1, 14)
		tb := d.newTable(7.5,
			column{head: t.T("pdf.colLocation"), w: 60, align: "L"},
			column{head: t.T("pdf.colMessage"), w: contentW - 60, align: "L"},
		)
		tb.header()
		for _, w := range r.Warnings {
			tb.row(cell{text: orDash(w.File)}, cell{text: t.Warning(w)})
		}
	}
}

// ---- checklist ----

// maxScopeCols is the number of scope columns one checklist table holds;
// more scopes are shown in further tables.
const maxScopeCols = 5

func (d *doc) checklist() {
	t, r := d.t, d.r
	d.heading(t.T("pdf.checklist"))
	d.legend()

	byCat := map[string][]*reports.ControlResult{}
	var cats []string
	for i := range r.Controls {
		c := &r.Controls[i]
		if _, ok := byCat[c.Category]; !ok {
			cats = append(cats, c.Category)
		}
		byCat[c.Category] = append(byCat[c.Category], c)
	}
	slices.SortStableFunc(cats, func(a, b string) int {
		if ra, rb := categoryRank(a), categoryRank(b); ra != rb {
			return cmp.Compare(ra, rb)
		}
		return cmp.Compare(a, b)
	})
	scores := map[string]reports.CategoryScore{}
	for _, c := range r.Summary.Categories {
		scores[c.Category] = c
	}
	scopes := d.scopes()
	for _, cat := range cats {
		title := t.Category(cat)
		if s, ok := scores[cat]; ok {
			title += fmt.Sprintf("  —  %d/%d  (%s)", s.Passed, s.Total, d.t.Percent(s.Score, s.Total))
		}
		for start := 0; start < max(len(scopes), 1); start += maxScopeCols {
			part := scopes[start:min(start+maxScopeCols, len(scopes))]
			d.f.Ln(3)
			d.subheading(title, 1, 20)
			d.checklistTable(title, byCat[cat], part)
		}
	}
	d.sources()
}

func (d *doc) checklistTable(title string, controls []*reports.ControlResult, scopes []string) {
	t := d.t
	const idW, sevW, signW = 21.0, 14.0, 15.0
	srcW, sw := 36.0, 16.0
	if n := len(scopes); n > 0 {
		sw = clampRange(56/float64(n), 11, 16)
	}
	if len(scopes) > 3 {
		srcW = 30
	}
	titleW := contentW - idW - sevW - srcW - signW - sw*float64(len(scopes))
	cols := []column{
		{head: t.T("pdf.colID"), w: idW, align: "L"},
		{head: t.T("pdf.colControl"), w: titleW, align: "L"},
		{head: t.T("pdf.colSeverity"), w: sevW, align: "L"},
		{head: t.T("pdf.colSource"), w: srcW, align: "L"},
	}
	for _, s := range scopes {
		cols = append(cols, column{head: t.Scope(s), w: sw, align: "C"})
	}
	cols = append(cols, column{head: t.T("pdf.colSignOff"), w: signW, align: "C"})
	tb := d.newTable(7.5, cols...)
	tb.onBreak = func() { tb.span(title+"  "+t.T("pdf.continued"), true, colGroup, colAccent) }
	tb.header()
	for _, c := range controls {
		sev := severityColor[c.Severity]
		cells := []cell{
			{text: c.ID, bold: true},
			{text: d.controlTitle(&c.Control)},
			{text: t.Severity(c.Severity), bold: true, color: &sev},
			{text: d.source(c), color: &colMuted},
		}
		for _, s := range scopes {
			st := c.Scopes[s]
			if st == "" {
				st = reports.StatusNA
			}
			cells = append(cells, cell{mark: st})
		}
		if needsSignOff(c) {
			cells = append(cells, cell{box: true})
		} else {
			cells = append(cells, cell{fill: &colDisabled})
		}
		tb.row(cells...)
	}
}

// needsSignOff tells whether a control needs a person's attestation in at
// least one scope.
func needsSignOff(c *reports.ControlResult) bool {
	if c.Evaluation == reports.EvalManual || c.Status == reports.StatusManual {
		return true
	}
	for _, st := range c.Scopes {
		if st == reports.StatusManual {
			return true
		}
	}
	return false
}

func clampRange(v, lo, hi float64) float64 { return min(max(v, lo), hi) }

// seedFiles are the seed documents the controls cite, sorted; a control
// cites the n-th as [n].
func (d *doc) seedFiles() []string {
	var files []string
	for _, c := range d.r.Controls {
		if c.Seed != "" && !slices.Contains(files, c.Seed) {
			files = append(files, c.Seed)
		}
	}
	sort.Strings(files)
	return files
}

// source cites the seed (by its number in the sources table) and section a
// control comes from.
func (d *doc) source(c *reports.ControlResult) string {
	if d.seedRef == nil {
		d.seedRef = map[string]int{}
		for i, f := range d.seedFiles() {
			d.seedRef[f] = i + 1
		}
	}
	ref := ""
	if n, ok := d.seedRef[c.Seed]; ok {
		ref = fmt.Sprintf("[%d]", n)
	}
	switch {
	case ref != "" && c.Section != "":
		return ref + " " + d.t.Section(c.Section)
	case ref != "":
		return ref
	}
	return orDash(d.t.Section(c.Section))
}

// sources lists the seed documents the checklist cites, with their files.
func (d *doc) sources() {
	t := d.t
	files := d.seedFiles()
	if len(files) == 0 {
		return
	}
	d.f.Ln(3)
	d.subheading(t.T("pdf.sources"), 1, 14)
	tb := d.newTable(7.5,
		column{head: "", w: 10, align: "L"},
		column{head: t.T("pdf.colSeedTitle"), w: 100, align: "L"},
		column{head: t.T("pdf.colSeedFile"), w: contentW - 110, align: "L"},
	)
	tb.header()
	for i, f := range files {
		tb.row(cell{text: fmt.Sprintf("[%d]", i+1), bold: true}, cell{text: t.Seed(f)}, cell{text: f, color: &colMuted})
	}
}

// legend explains the status marks.
func (d *doc) legend() {
	f, t := d.f, d.t
	y := f.GetY()
	d.font("B", 8, colInk)
	f.SetXY(marginL, y)
	w := f.GetStringWidth(d.clean(t.T("pdf.legend"))) + 2*cellMargin
	f.CellFormat(w, 5, d.clean(t.T("pdf.legend")), "", 0, "LM", false, 0, "")
	x := marginL + w + 2
	d.font("", 8, colInk)
	for _, s := range []string{reports.StatusPass, reports.StatusFail, reports.StatusWaived, reports.StatusManual, reports.StatusNA} {
		d.mark(x+2, y+2.5, 3.6, s)
		d.font("", 8, colInk)
		label := d.clean(t.Status(s))
		lw := f.GetStringWidth(label) + 2*cellMargin
		f.SetXY(x+4.5, y)
		f.CellFormat(lw, 5, label, "", 0, "LM", false, 0, "")
		x += 4.5 + lw + 4
	}
	f.SetY(y + 7)
}

// ---- findings ----

type group struct {
	cluster, namespace string
	findings           []*reports.Finding
}

// failing returns the failing findings grouped by cluster and namespace,
// each group ordered by severity (most severe first), control, object, file
// and line.
func (d *doc) failing() []group {
	idx := map[[2]string]int{}
	var groups []group
	for i := range d.r.Findings {
		fd := &d.r.Findings[i]
		if fd.Status != reports.StatusFail {
			continue
		}
		k := [2]string{fd.Cluster, fd.Namespace}
		j, ok := idx[k]
		if !ok {
			j = len(groups)
			idx[k] = j
			groups = append(groups, group{cluster: fd.Cluster, namespace: fd.Namespace})
		}
		groups[j].findings = append(groups[j].findings, fd)
	}
	slices.SortFunc(groups, func(a, b group) int {
		return cmp.Or(cmp.Compare(a.cluster, b.cluster), cmp.Compare(a.namespace, b.namespace))
	})
	for _, g := range groups {
		slices.SortStableFunc(g.findings, compareFindings)
	}
	return groups
}

func compareFindings(a, b *reports.Finding) int {
	return cmp.Or(
		cmp.Compare(severityRank(a.Severity), severityRank(b.Severity)),
		cmp.Compare(a.Control, b.Control),
		cmp.Compare(a.Object, b.Object),
		cmp.Compare(a.File, b.File),
		cmp.Compare(a.Line, b.Line),
		cmp.Compare(a.Message, b.Message),
	)
}

func (d *doc) groupTitle(cluster, namespace string) string {
	ns := namespace
	if ns == "" {
		ns = d.t.T("pdf.clusterWide")
	}
	return fmt.Sprintf(d.t.T("pdf.clusterNamespace"), orDash(cluster), ns)
}

func (d *doc) findings() {
	t := d.t
	d.heading(t.T("pdf.findings"))
	groups := d.failing()
	if len(groups) == 0 {
		d.para(t.T("pdf.noFindings"), 10, colInk)
		return
	}
	tb := d.newTable(7.5,
		column{head: t.T("pdf.colObject"), w: 46, align: "L"},
		column{head: t.T("pdf.colLocation"), w: 56, align: "L"},
		column{head: t.T("pdf.colMessage"), w: contentW - 102, align: "L"},
	)
	var groupLabel, controlLabel string
	var controlColor rgb
	tb.onBreak = func() {
		tb.span(groupLabel+"  "+t.T("pdf.continued"), true, colGroup, colAccent)
		if controlLabel != "" {
			tb.span(controlLabel, true, colWhite, controlColor)
		}
	}
	first := true
	for _, g := range groups {
		groupLabel, controlLabel = d.groupTitle(g.cluster, g.namespace), ""
		if !first {
			d.f.Ln(3)
		}
		first = false
		d.ensure(30)
		tb.header()
		d.f.Bookmark(d.clean(groupLabel), 1, -1)
		tb.span(groupLabel, true, colGroup, colAccent)
		for i, fd := range g.findings {
			if i == 0 || fd.Control != g.findings[i-1].Control {
				label := fmt.Sprintf("%s  ·  %s  ·  %s", t.Severity(fd.Severity), fd.Control, d.findingTitle(fd))
				// A page break before this title repeats only the group.
				controlLabel = ""
				tb.span(label, true, colWhite, severityColor[fd.Severity])
				controlLabel, controlColor = label, severityColor[fd.Severity]
				if c, ok := d.control(fd.Control); ok && c.Remediation != "" {
					tb.span(t.T("pdf.remediation")+": "+t.Remediation(c.Control), false, colWhite, colMuted)
				}
			}
			tb.row(cell{text: fd.Object}, cell{text: location(fd.File, fd.Line)}, cell{text: t.Brief(*fd)})
		}
	}
}

// ---- changes since last month ----

func (d *doc) changes() {
	t, r := d.t, d.r
	d.heading(t.T("pdf.changes"))
	if r.Changes == nil {
		d.para(t.T("pdf.noPrevious"), 10, colInk)
	} else {
		for _, part := range []struct {
			title string
			list  []reports.Finding
		}{{t.T("pdf.newSince"), r.Changes.New}, {t.T("pdf.fixedSince"), r.Changes.Fixed},
			{t.T("cov.noLonger") + " — " + t.T("cov.noLongerNote"), r.Changes.NoLongerEvaluated}} {
			d.subheading(fmt.Sprintf("%s (%d)", part.title, len(part.list)), 1, 14)
			if len(part.list) == 0 {
				d.para(t.T("pdf.noChanges"), 9, colMuted)
				d.f.Ln(3)
				continue
			}
			list := make([]*reports.Finding, len(part.list))
			for i := range part.list {
				list[i] = &part.list[i]
			}
			slices.SortStableFunc(list, compareFindings)
			tb := d.newTable(7.5,
				column{head: t.T("pdf.colSeverity"), w: 15, align: "L"},
				column{head: t.T("pdf.colControl"), w: 47, align: "L"},
				column{head: t.T("pdf.colScope"), w: 32, align: "L"},
				column{head: t.T("pdf.colObject"), w: 38, align: "L"},
				column{head: t.T("pdf.colLocation"), w: contentW - 132, align: "L"},
			)
			tb.header()
			for _, fd := range list {
				sev := severityColor[fd.Severity]
				scope := orDash(fd.Cluster)
				if fd.Namespace != "" {
					scope += " / " + fd.Namespace
				}
				tb.row(
					cell{text: t.Severity(fd.Severity), bold: true, color: &sev},
					cell{text: fd.Control + " " + d.findingTitle(fd)},
					cell{text: scope},
					cell{text: fd.Object},
					cell{text: location(fd.File, fd.Line)},
				)
			}
			d.f.Ln(5)
		}
	}

	d.subheading(fmt.Sprintf("%s (%d)", t.T("pdf.commits"), len(r.Commits)), 1, 14)
	if len(r.Commits) == 0 {
		d.para(t.T("pdf.noCommits"), 9, colMuted)
		return
	}
	tb := d.newTable(7.5,
		column{head: t.T("pdf.colHash"), w: 17, align: "L"},
		column{head: t.T("pdf.colDate"), w: 20, align: "L"},
		column{head: t.T("pdf.colAuthor"), w: 38, align: "L"},
		column{head: t.T("pdf.colSubject"), w: contentW - 75, align: "L"},
	)
	tb.header()
	for _, c := range r.Commits {
		tb.row(cell{text: shortHash(c.Hash), bold: true}, cell{text: day(c.Date)}, cell{text: c.Author}, cell{text: c.Subject})
	}
}

// ---- waivers ----

func (d *doc) waivers() {
	t, r := d.t, d.r
	d.heading(t.T("pdf.waivers"))
	var active, expired []reports.Waiver
	for _, w := range r.Waivers {
		if w.Expired {
			expired = append(expired, w)
		} else {
			active = append(active, w)
		}
	}
	for _, part := range []struct {
		title   string
		list    []reports.Waiver
		expired bool
	}{{t.T("pdf.activeWaivers"), active, false}, {t.T("pdf.expiredWaivers"), expired, true}} {
		d.subheading(fmt.Sprintf("%s (%d)", part.title, len(part.list)), 1, 14)
		if len(part.list) == 0 {
			d.para(t.T("pdf.noWaivers"), 9, colMuted)
			d.f.Ln(3)
			continue
		}
		tb := d.newTable(7.5,
			column{head: t.T("pdf.colControl"), w: 24, align: "L"},
			column{head: t.T("pdf.colScope"), w: 42, align: "L"},
			column{head: t.T("pdf.colLocation"), w: 42, align: "L"},
			column{head: t.T("pdf.colReason"), w: contentW - 128, align: "L"},
			column{head: t.T("pdf.colUntil"), w: 20, align: "L"},
		)
		tb.header()
		for _, w := range part.list {
			var scope []string
			for _, s := range []string{w.Cluster, w.Namespace, w.Object} {
				if s != "" {
					scope = append(scope, s)
				}
			}
			until := cell{text: orDash(w.Until)}
			if part.expired {
				until.color = &colFail
				until.bold = true
			}
			tb.row(
				cell{text: w.Control, bold: true},
				cell{text: orDash(strings.Join(scope, " / "))},
				cell{text: location(w.File, w.Line)},
				cell{text: orDash(w.Reason)},
				until,
			)
		}
		d.f.Ln(5)
	}
}

// mapStrings is fn of every item of list.
func mapStrings(list []string, fn func(string) string) []string {
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = fn(s)
	}
	return out
}
