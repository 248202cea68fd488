package pdf

import (
	"cmp"
	"math"

	"github.com/plinth-dev/plinth/reports"
)

// maxCellLines caps a cell so that no row is taller than a page.
const maxCellLines = 14

// column of a table.
type column struct {
	head  string
	w     float64
	align string // "L", "C" or "R"
}

// cell of a row: text, or a status mark when mark is set.
type cell struct {
	text  string
	mark  string // a reports.Status* value: draw the mark instead of text
	bold  bool
	color *rgb
	fill  *rgb // background, overrides zebra striping
	box   bool // draw an empty sign-off box
}

// table draws rows under a header that is repeated on every page the table
// spans. onBreak, when set, runs after the repeated header (e.g. to repeat
// the current group's title).
type table struct {
	d       *doc
	cols    []column
	size    float64 // font size of body rows, pt
	rows    int
	lines   int // most lines a cell shows; maxCellLines when 0
	onBreak func()
}

func (d *doc) newTable(size float64, cols ...column) *table {
	return &table{d: d, cols: cols, size: size}
}

func (t *table) width() float64 {
	w := 0.0
	for _, c := range t.cols {
		w += c.w
	}
	return w
}

// header draws the column titles, keeping them with at least one body row.
func (t *table) header() {
	d := t.d
	hs := t.size - 0.5
	lh := lineH(hs)
	d.font("B", hs, colWhite)
	lines := make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		lines[i] = d.wrap(c.head, c.w)
		n = max(n, len(lines[i]))
	}
	h := float64(n)*lh + 2
	d.ensure(h + lineH(t.size) + 2)
	d.font("B", hs, colWhite)
	y := d.f.GetY()
	x := marginL
	d.fill(colHeadFill)
	for i, c := range t.cols {
		d.f.Rect(x, y, c.w, h, "F")
		top := y + (h-float64(len(lines[i]))*lh)/2
		for j, l := range lines[i] {
			d.f.SetXY(x, top+float64(j)*lh)
			d.f.CellFormat(c.w, lh, l, "", 0, c.align+"M", false, 0, "")
		}
		x += c.w
	}
	d.f.SetXY(marginL, y+h)
	t.rows = 0
}

// span draws a full-width row (a group title), kept with at least one row.
func (t *table) span(text string, bold bool, fill rgb, color rgb) {
	d := t.d
	style := ""
	if bold {
		style = "B"
	}
	d.font(style, t.size, color)
	lh := lineH(t.size)
	lines := d.wrap(capText(text), t.width())
	if len(lines) > maxCellLines {
		lines = append(lines[:maxCellLines-1], "…")
	}
	h := float64(len(lines))*lh + 2
	t.breakIfNeeded(h + lh + 2)
	d.font(style, t.size, color)
	y := d.f.GetY()
	d.fill(fill)
	d.f.Rect(marginL, y, t.width(), h, "F")
	for j, l := range lines {
		d.f.SetXY(marginL, y+1+float64(j)*lh)
		d.f.CellFormat(t.width(), lh, l, "", 0, "LM", false, 0, "")
	}
	d.f.SetXY(marginL, y+h)
	t.rows = 0
}

// breakIfNeeded starts a new page with the table header when h mm do not fit.
func (t *table) breakIfNeeded(h float64) {
	if t.d.f.GetY()+h <= bodyBottom {
		return
	}
	t.d.f.AddPage()
	t.header()
	if t.onBreak != nil {
		t.onBreak()
	}
}

// row draws one row; its height follows the tallest wrapped cell.
func (t *table) row(cells ...cell) {
	d := t.d
	lh := lineH(t.size)
	lines := make([][]string, len(t.cols))
	n := 1
	for i, c := range t.cols {
		if i >= len(cells) || cells[i].mark != "" || cells[i].box {
			continue
		}
		d.font(style(cells[i].bold), t.size, colInk)
		ls := d.wrap(capText(cells[i].text), c.w)
		if limit := cmp.Or(t.lines, maxCellLines); len(ls) > limit {
			ls = append(ls[:limit-1], "…")
		}
		lines[i] = ls
		n = max(n, len(ls))
	}
	minH := 6.0
	for _, c := range cells {
		if c.box {
			minH = 9 // room for initials
		}
	}
	h := math.Max(float64(n)*lh+1.6, minH)
	t.breakIfNeeded(h)
	y := d.f.GetY()
	x := marginL
	for i, c := range t.cols {
		var ce cell
		if i < len(cells) {
			ce = cells[i]
		}
		switch {
		case ce.fill != nil:
			d.fill(*ce.fill)
			d.f.Rect(x, y, c.w, h, "F")
		case t.rows%2 == 1:
			d.fill(colZebra)
			d.f.Rect(x, y, c.w, h, "F")
		}
		switch {
		case ce.mark != "":
			d.mark(x+c.w/2, y+h/2, 3.6, ce.mark)
		case ce.box:
			d.stroke(colMuted, 0.25)
			d.f.Rect(x+1.5, y+1, c.w-3, h-2, "D")
		default:
			color := colInk
			if ce.color != nil {
				color = *ce.color
			}
			d.font(style(ce.bold), t.size, color)
			for j, l := range lines[i] {
				d.f.SetXY(x, y+0.8+float64(j)*lh)
				d.f.CellFormat(c.w, lh, l, "", 0, c.align+"M", false, 0, "")
			}
		}
		x += c.w
	}
	d.stroke(colRule, 0.15)
	d.f.Line(marginL, y+h, marginL+t.width(), y+h)
	d.f.SetXY(marginL, y+h)
	t.rows++
}

// maxCellRunes bounds the text a cell wraps: more never fits its lines.
const maxCellRunes = 3000

func capText(s string) string {
	if len(s) <= maxCellRunes {
		return s
	}
	n := 0
	for i := range s {
		if n == maxCellRunes {
			return s[:i] + "…"
		}
		n++
	}
	return s
}

func style(bold bool) string {
	if bold {
		return "B"
	}
	return ""
}

// mark draws a status mark of diameter s mm centred on (cx, cy). The shapes
// differ as well as the colours: pass is a filled disc with a tick, fail a
// filled square with a cross, waived an outlined disc with a tick, manual an
// outlined square with a question mark, n/a a short dash.
func (d *doc) mark(cx, cy, s float64, status string) {
	f := d.f
	r := s / 2
	f.SetLineCapStyle("round")
	f.SetLineJoinStyle("round")
	defer func() {
		f.SetLineCapStyle("butt")
		f.SetLineJoinStyle("miter")
	}()
	tick := func(c rgb) {
		d.stroke(c, s*0.14)
		f.Line(cx-r*0.5, cy+r*0.02, cx-r*0.12, cy+r*0.42)
		f.Line(cx-r*0.12, cy+r*0.42, cx+r*0.55, cy-r*0.4)
	}
	switch status {
	case reports.StatusPass:
		d.fill(colPass)
		f.Circle(cx, cy, r, "F")
		tick(colWhite)
	case reports.StatusFail:
		d.fill(colFail)
		f.Rect(cx-r, cy-r, s, s, "F")
		d.stroke(colWhite, s*0.14)
		f.Line(cx-r*0.45, cy-r*0.45, cx+r*0.45, cy+r*0.45)
		f.Line(cx-r*0.45, cy+r*0.45, cx+r*0.45, cy-r*0.45)
	case reports.StatusWaived:
		d.fill(colWhite)
		d.stroke(colWaived, s*0.1)
		f.Circle(cx, cy, r*0.92, "FD")
		tick(colWaived)
	case reports.StatusManual:
		d.stroke(colManual, s*0.1)
		f.Rect(cx-r*0.92, cy-r*0.92, s*0.92, s*0.92, "D")
		d.font("B", s*2.6, colManual)
		f.SetXY(cx-r, cy-r)
		f.CellFormat(s, s, "?", "", 0, "CM", false, 0, "")
	default: // n/a or not evaluated in this scope
		d.stroke(colNA, s*0.12)
		f.Line(cx-r*0.45, cy, cx+r*0.45, cy)
	}
}
