// Package pdf lays out a baseline report (reports.Report) as the monthly
// compliance checklist PDF, in English or Korean: cover, summary with a bar
// chart against the previous month, per-category checklist with a mark per
// scope, findings, changes since last month and waivers.
//
// All page layout lives here; the report engine never knows about pages.
// The output is A4 portrait with a header and footer on every page, embeds
// its fonts (Plinth Gothic, a subset of NanumGothic) and is byte-for-byte reproducible: every
// date in it comes from the report, never from the clock.
package pdf

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"

	"github.com/plinth-dev/plinth/reports"
	"github.com/plinth-dev/plinth/reports/i18n"
)

// Options select how a report is rendered.
type Options struct {
	// Lang is "en" (the default when empty) or "ko".
	Lang string
	// Generator names the program and version on the cover and in the PDF
	// metadata, e.g. "plinth v1.2.0". Defaults to "plinth".
	Generator string
}

// Page geometry in millimetres (A4 portrait).
const (
	pageW      = 210.0
	pageH      = 297.0
	marginL    = 15.0
	marginR    = 15.0
	marginTop  = 22.0
	marginBot  = 18.0
	contentW   = pageW - marginL - marginR
	bodyBottom = pageH - marginBot
	ptToMM     = 25.4 / 72
	cellMargin = 1.2
)

// Render writes r as a PDF to w.
func Render(w io.Writer, r *reports.Report, opts Options) error {
	d, err := newDoc(r, opts)
	if err != nil {
		return err
	}
	d.cover()
	d.summary()
	d.coverage()
	d.checklist()
	d.findings()
	d.changes()
	d.waivers()
	if err := d.f.Error(); err != nil {
		return fmt.Errorf("pdf: layout: %w", err)
	}
	if err := d.f.Output(w); err != nil {
		return fmt.Errorf("pdf: writing: %w", err)
	}
	return nil
}

// newDoc prepares an empty document for r: fonts, metadata, header and footer.
func newDoc(r *reports.Report, opts Options) (*doc, error) {
	if r == nil {
		return nil, errors.New("pdf: no report to render")
	}
	lang := opts.Lang
	t, err := i18n.For(lang)
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	gen := opts.Generator
	if gen == "" {
		gen = "plinth"
	}
	fonts, err := loadFonts()
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}

	f := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", SizeStr: "A4"})
	// The page-count alias must be set before fonts are added: fpdf then
	// keeps the digits in every font subset.
	f.AliasNbPages("{nb}")
	f.AddUTF8FontFromBytes(fontFamily, "", fonts.regular)
	f.AddUTF8FontFromBytes(fontFamily, "B", fonts.bold)
	if err = f.Error(); err != nil {
		return nil, fmt.Errorf("pdf: loading embedded font: %w", err)
	}
	d := &doc{f: f, t: t, r: r, lang: t.Lang(), gen: gen, glyphs: &glyphs{faces: fonts.faces}}
	d.setup()
	return d, nil
}

// doc is one report being laid out.
type doc struct {
	f    *fpdf.Fpdf
	t    i18n.Localizer
	r    *reports.Report
	lang string
	gen  string

	controls map[string]*reports.ControlResult // by ID, built on first use
	seedRef  map[string]int                    // seed file -> its number in the sources table
	glyphs   *glyphs
}

type rgb struct{ r, g, b int }

// Palette. Marks differ in shape as well as colour, so the checklist reads
// on a monochrome printout.
var (
	colInk      = rgb{33, 37, 41}
	colMuted    = rgb{108, 117, 125}
	colRule     = rgb{206, 212, 218}
	colAccent   = rgb{25, 76, 140}
	colHeadFill = rgb{25, 76, 140}
	colGroup    = rgb{222, 231, 243}
	colZebra    = rgb{246, 248, 250}
	colPass     = rgb{46, 125, 50}
	colFail     = rgb{198, 40, 40}
	colWaived   = rgb{214, 138, 0}
	colManual   = rgb{21, 101, 192}
	colNA       = rgb{150, 150, 150}
	colPrevBar  = rgb{173, 181, 189}
	colWhite    = rgb{255, 255, 255}
	colDisabled = rgb{233, 236, 239}
)

var severityColor = map[string]rgb{
	reports.SeverityCritical: {136, 14, 79},
	reports.SeverityHigh:     colFail,
	reports.SeverityMedium:   colWaived,
	reports.SeverityLow:      colManual,
}

// severities from the most to the least severe.
var severities = []string{reports.SeverityCritical, reports.SeverityHigh, reports.SeverityMedium, reports.SeverityLow}

func severityRank(s string) int {
	for i, v := range severities {
		if v == s {
			return i
		}
	}
	return len(severities)
}

func (d *doc) setup() {
	f, r, t := d.f, d.r, d.t
	f.SetMargins(marginL, marginTop, marginR)
	f.SetAutoPageBreak(false, marginBot) // tables break pages themselves
	f.SetCellMargin(cellMargin)
	f.SetCatalogSort(true)
	stamp := d.stamp()
	f.SetCreationDate(stamp)
	f.SetModificationDate(stamp)
	title := t.T("pdf.title")
	if m := d.period(); m != "" {
		title += " — " + m
	}
	f.SetTitle(d.clean(title), true)
	f.SetSubject(d.clean(t.T("pdf.subject")+": "+r.Repo), true)
	f.SetAuthor(d.clean(d.gen), true)
	f.SetCreator(d.clean(d.gen), true)
	f.SetProducer("plinth (github.com/go-pdf/fpdf)", true)
	f.SetKeywords(d.clean("compliance baseline kubernetes gitops "+d.period()), true)
	if d.lang == "ko" {
		f.SetLang("ko-KR")
	} else {
		f.SetLang("en-US")
	}
	f.SetDisplayMode("fullwidth", "continuous")
	f.SetHeaderFunc(d.header)
	f.SetFooterFunc(d.footer)
}

// stamp is the document date: the report date (SOURCE_DATE_EPOCH or --date
// when set), else the commit date, else the Unix epoch. Never the clock.
func (d *doc) stamp() time.Time {
	switch {
	case !d.r.Date.IsZero():
		return d.r.Date.UTC()
	case !d.r.CommitDate.IsZero():
		return d.r.CommitDate.UTC()
	}
	return time.Unix(0, 0).UTC()
}

// month is the evaluated month (--month), else "".
func (d *doc) month() string { return d.r.Month }

// period is what the report is of: the month with --month, else the
// report date.
func (d *doc) period() string {
	if d.r.Month != "" {
		return d.r.Month
	}
	if !d.r.Date.IsZero() {
		return d.r.Date.UTC().Format("2006-01-02")
	}
	return ""
}

func shortHash(h string) string {
	if len(h) > 7 {
		return h[:7]
	}
	return h
}

func day(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02")
}

func (d *doc) header() {
	f := d.f
	d.font("", 7.5, colMuted)
	left := d.fit(d.r.Repo, contentW*0.6)
	right := d.period()
	if c := shortHash(d.r.Commit); c != "" {
		if right != "" {
			right += "  ·  "
		}
		right += c
	}
	f.SetXY(marginL, 9)
	f.CellFormat(contentW*0.6, 4, left, "", 0, "LM", false, 0, "")
	f.SetXY(marginL+contentW*0.4, 9)
	f.CellFormat(contentW*0.6, 4, d.clean(right), "", 0, "RM", false, 0, "")
	d.stroke(colRule, 0.3)
	f.Line(marginL, 14.5, pageW-marginR, 14.5)
	f.SetXY(marginL, marginTop)
}

func (d *doc) footer() {
	f := d.f
	d.stroke(colRule, 0.3)
	f.Line(marginL, pageH-13.5, pageW-marginR, pageH-13.5)
	d.font("", 7.5, colMuted)
	f.SetXY(marginL, pageH-12.5)
	f.CellFormat(contentW/2, 4, d.clean("plinth · "+d.t.T("pdf.title")), "", 0, "LM", false, 0, "")
	f.SetXY(marginL+contentW/2, pageH-12.5)
	f.CellFormat(contentW/2, 4, fmt.Sprintf(d.t.T("pdf.pageOf"), f.PageNo()), "", 0, "RM", false, 0, "")
}

// font selects the embedded face ("" or "B"), a size in points and a colour.
func (d *doc) font(style string, size float64, c rgb) {
	d.f.SetFont(fontFamily, style, size)
	d.f.SetTextColor(c.r, c.g, c.b)
}

func (d *doc) fill(c rgb) { d.f.SetFillColor(c.r, c.g, c.b) }

func (d *doc) stroke(c rgb, w float64) {
	d.f.SetDrawColor(c.r, c.g, c.b)
	d.f.SetLineWidth(w)
}

// lineH is the line height in mm of text at size pt.
func lineH(size float64) float64 { return size * ptToMM * 1.3 }

// ensure starts a new page when h mm do not fit above the bottom margin,
// and reports whether it did.
func (d *doc) ensure(h float64) bool {
	if d.f.GetY()+h > bodyBottom {
		d.f.AddPage()
		return true
	}
	return false
}

// clean makes user text safe for the font: control characters become
// spaces (newlines stay); invalid UTF-8, runes outside the Basic
// Multilingual Plane (which fpdf's UTF-8 fonts cannot index) and runes the
// embedded faces have no glyph for (e.g. simplified Chinese) become '?'
// rather than an empty box.
func (d *doc) clean(s string) string {
	ok := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\n' || c >= 0x7f {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t' || r == '\r' || unicode.IsControl(r):
			b.WriteByte(' ')
		case r == utf8.RuneError && size == 1, r > 0xFFFF:
			b.WriteByte('?')
		case r < 0x7f || unicode.IsSpace(r) || d.glyphs.has(r):
			b.WriteRune(r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// fit shortens s with an ellipsis so it fits in w mm with the current font.
func (d *doc) fit(s string, w float64) string {
	s = strings.ReplaceAll(d.clean(s), "\n", " ")
	max := w - 2*cellMargin
	if d.f.GetStringWidth(s) <= max {
		return s
	}
	head, _ := d.cut(s, max-d.f.GetStringWidth("…"))
	return head + "…"
}

// wrap breaks s into lines of at most w mm (cell margins included) with the
// current font. It breaks at spaces first, then after path and identifier
// punctuation, and inside a word only when nothing else fits.
func (d *doc) wrap(s string, w float64) []string {
	max := w - 2*cellMargin
	var lines []string
	for _, para := range strings.Split(d.clean(s), "\n") {
		line, lineW := "", 0.0
		for _, seg := range segments(para) {
			segW := d.f.GetStringWidth(strings.TrimRight(seg, " "))
			if lineW+segW <= max {
				line += seg
				lineW += d.f.GetStringWidth(seg)
				continue
			}
			if strings.TrimSpace(line) != "" {
				lines = append(lines, strings.TrimRight(line, " "))
			}
			line, lineW = "", 0
			for segW > max {
				head, tail := d.cut(seg, max)
				lines = append(lines, head)
				seg = tail
				segW = d.f.GetStringWidth(strings.TrimRight(seg, " "))
			}
			line, lineW = seg, d.f.GetStringWidth(seg)
		}
		lines = append(lines, strings.TrimRight(line, " "))
	}
	return lines
}

// cut splits s after the longest prefix (at least one rune) narrower than max.
func (d *doc) cut(s string, max float64) (string, string) {
	w := 0.0
	for i, r := range s {
		rw := d.f.GetStringWidth(string(r))
		if w+rw > max && i > 0 {
			return s[:i], s[i:]
		}
		w += rw
	}
	return s, ""
}

// segments splits a line into pieces that may end a line: after spaces and
// after / - _ . : , ; =.
func segments(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		end := i + utf8.RuneLen(r)
		switch r {
		case ' ':
			// keep runs of spaces with the preceding word
			if end < len(s) && s[end] == ' ' {
				continue
			}
		case '/', '-', '_', '.', ':', ',', ';', '=':
		default:
			continue
		}
		out = append(out, s[start:end])
		start = end
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// heading starts a section: a new page, a bookmark and a title.
func (d *doc) heading(title string) {
	d.f.AddPage()
	d.f.Bookmark(d.clean(title), 0, -1)
	d.font("B", 16, colAccent)
	d.f.SetX(marginL)
	d.f.CellFormat(contentW, 9, d.clean(title), "", 1, "LM", false, 0, "")
	d.stroke(colAccent, 0.6)
	d.f.Line(marginL, d.f.GetY()+0.5, marginL+contentW, d.f.GetY()+0.5)
	d.f.Ln(4)
}

// subheading is a titled block inside a section, kept with at least keep mm
// of what follows.
func (d *doc) subheading(title string, level int, keep float64) {
	d.ensure(8 + keep)
	if level >= 0 {
		d.f.Bookmark(d.clean(title), level, -1)
	}
	d.font("B", 11.5, colInk)
	d.f.SetX(marginL)
	d.f.CellFormat(contentW, 7, d.clean(title), "", 1, "LM", false, 0, "")
	d.f.Ln(1)
}

// para writes wrapped text over the content width.
func (d *doc) para(s string, size float64, c rgb) {
	d.font("", size, c)
	lh := lineH(size)
	for _, l := range d.wrap(s, contentW) {
		d.ensure(lh)
		d.f.SetX(marginL)
		d.f.CellFormat(contentW, lh, l, "", 1, "LM", false, 0, "")
	}
}
