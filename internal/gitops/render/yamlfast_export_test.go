package render

import "fmt"

// FastDocsDiffer reads data with fastDocs and with the decoder: fast says
// whether fastDocs read it, decoded whether the decoder reads it without
// an error; diff, when not "", how the two disagree.
func FastDocsDiffer(data []byte) (fast, decoded bool, diff string) {
	want, err := decodeDocs(data)
	docs, ok := fastDocs(data)
	if !ok {
		return false, err == nil, ""
	}
	if err != nil {
		return true, false, fmt.Sprintf("fastDocs read a stream the decoder refuses: %v", err)
	}
	if got, exp := fmt.Sprintf("%#v", docs), fmt.Sprintf("%#v", want); got != exp {
		return true, true, fmt.Sprintf("fastDocs:\n%s\ndecoder:\n%s", got, exp)
	}
	return true, true, ""
}
