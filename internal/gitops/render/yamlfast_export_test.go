package render

import "fmt"

// FastDocsDiffer reads data with fastDocs and with the decoder: fast says
// whether fastDocs read it, decoded whether the decoder reads it without
// an error; diff, when not "", how the two disagree.
func FastDocsDiffer(data []byte) (fast, decoded bool, diff string) {
	want, err := decodeDocs(data)
	docs, ok := fastDocs(data, nil)
	if !ok {
		return false, err == nil, ""
	}
	if err != nil {
		return true, false, fmt.Sprintf("fastDocs read a stream the decoder refuses: %v", err)
	}
	exp := fmt.Sprintf("%#v", want)
	if got := fmt.Sprintf("%#v", docs); got != exp {
		return true, true, fmt.Sprintf("fastDocs:\n%s\ndecoder:\n%s", got, exp)
	}
	// Sharing mappings changes nothing: read twice with one interner, the
	// second time from what the first read shared.
	in := &interner{}
	for i := range 2 {
		shared, ok := fastDocs(data, in)
		if !ok {
			return true, true, fmt.Sprintf("read %d with an interner: not read", i+1)
		}
		if got := fmt.Sprintf("%#v", shared); got != exp {
			return true, true, fmt.Sprintf("read %d with an interner:\n%s\ndecoder:\n%s", i+1, got, exp)
		}
	}
	return true, true, ""
}
