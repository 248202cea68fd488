package render

// Plain scalars both decoders (yaml.v3 for fastDocs, yaml.v2 for
// fastYAML11) resolve alike without a look at their table: resolve reads
// them here, without a decoder's round trip, a cache or a lock.

// scalarWord is the value of a plain scalar that is a boolean or null by
// its spelling in YAML 1.1 and 1.2 alike ("true", "False", "NULL", "~").
func scalarWord(text string) (any, bool) {
	switch text {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	case "null", "Null", "NULL", "~":
		return nil, true
	}
	return nil, false
}

// stringScalar says whether both decoders resolve the plain scalar text,
// which plainString leaves to them, as the string text: "./a", "../b",
// "500m", "512Mi", "--flag", "~x", "9 * * * *". Whatever starts like a
// timestamp (four digits and "-") or an infinity ("+.", "-."), or is
// spelled only with the characters of numbers, is left to the decoders.
func stringScalar(text string) bool {
	if len(text) < 2 {
		return false
	}
	switch c := text[0]; {
	case c == '~':
		return true // not "~" itself: a word, else no rule claims it
	case c == '.':
		// The decoders try ParseFloat, which needs a digit (or "_") after
		// the dot, and the words ".inf" and ".nan".
		switch text[1] {
		case '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '_', 'i', 'I', 'n', 'N':
			return false
		}
		return true
	case c == '+' || c == '-':
		if text[1] == '.' {
			return false
		}
	case c >= '0' && c <= '9':
		if len(text) > 4 && text[4] == '-' && digits(text[:4]) {
			return false // parseTimestamp tries it
		}
	default:
		return false
	}
	// An integer (any base, with "_"), or a float the decoders accept, is
	// spelled with these characters only.
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c >= '0' && c <= '9', c >= 'a' && c <= 'f', c >= 'A' && c <= 'F':
		case c == 'x', c == 'X', c == 'o', c == 'O', c == '_', c == '.', c == '+', c == '-':
		default:
			return true
		}
	}
	return false
}

// digits says whether s is ASCII digits only.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
