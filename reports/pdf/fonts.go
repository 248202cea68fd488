package pdf

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"sync"
)

// The Hangul-capable TrueType faces used for every language, so that the PDF
// embeds all its fonts and a fresh machine needs nothing installed. See
// fonts/README.md for their origin and fonts/OFL.txt for their licence.
//
//go:embed fonts/NanumGothic.ttf.gz fonts/NanumGothicBold.ttf.gz
var fontFS embed.FS

const fontFamily = "NanumGothic"

type fontSet struct {
	regular, bold []byte
}

// loadFonts decompresses the embedded fonts once per process.
var loadFonts = sync.OnceValues(func() (fontSet, error) {
	reg, err := gunzipFont("fonts/NanumGothic.ttf.gz")
	if err != nil {
		return fontSet{}, err
	}
	bold, err := gunzipFont("fonts/NanumGothicBold.ttf.gz")
	if err != nil {
		return fontSet{}, err
	}
	return fontSet{regular: reg, bold: bold}, nil
})

func gunzipFont(name string) ([]byte, error) {
	raw, err := fontFS.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", name, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", name, err)
	}
	defer zr.Close()
	out, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("embedded font %s: %w", name, err)
	}
	return out, nil
}
