package pdf

import (
	"embed"
	"fmt"
	"sync"

	"github.com/klauspost/compress/zstd"
	"golang.org/x/image/font/sfnt"
)

// The Hangul-capable TrueType faces used for every language, so that the PDF
// embeds all its fonts and a fresh machine needs nothing installed. See
// fonts/README.md for their origin and fonts/OFL.txt for their licence.
//
//go:embed fonts/PlinthGothic.ttf.zst fonts/PlinthGothicBold.ttf.zst
var fontFS embed.FS

const fontFamily = "PlinthGothic"

type fontSet struct {
	regular, bold []byte
	// faces answer which runes have a glyph in both faces.
	faces [2]*sfnt.Font
}

// loadFonts decompresses the embedded fonts once per process.
var loadFonts = sync.OnceValues(func() (fontSet, error) {
	reg, err := unzstdFont("fonts/PlinthGothic.ttf.zst")
	if err != nil {
		return fontSet{}, err
	}
	bold, err := unzstdFont("fonts/PlinthGothicBold.ttf.zst")
	if err != nil {
		return fontSet{}, err
	}
	fs := fontSet{regular: reg, bold: bold}
	for i, b := range [][]byte{reg, bold} {
		if fs.faces[i], err = sfnt.Parse(b); err != nil {
			return fontSet{}, fmt.Errorf("embedded font: %w", err)
		}
	}
	return fs, nil
})

// glyphs answers whether the embedded faces can draw a rune, remembering
// the answers. One per document: it is not safe for concurrent use.
type glyphs struct {
	faces [2]*sfnt.Font
	buf   sfnt.Buffer
	known map[rune]bool
}

func (g *glyphs) has(r rune) bool {
	if ok, seen := g.known[r]; seen {
		return ok
	}
	ok := true
	for _, f := range g.faces {
		if i, err := f.GlyphIndex(&g.buf, r); err != nil || i == 0 {
			ok = false
		}
	}
	if g.known == nil {
		g.known = map[rune]bool{}
	}
	g.known[r] = ok
	return ok
}

func unzstdFont(name string) ([]byte, error) {
	raw, err := fontFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", name, err)
	}
	// One goroutine and no window beyond the frame's: the fonts are
	// decoded once, whole.
	zr, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1))
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", name, err)
	}
	defer zr.Close()
	out, err := zr.DecodeAll(raw, nil)
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", name, err)
	}
	return out, nil
}
