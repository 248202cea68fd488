package reports

// Msg is a finding message as the checks and the scan make it: the ID of a
// message of the catalog (reports/i18n) and its arguments. It is rendered
// in a report's language at output time (i18n.Localizer.Format); the
// finding's Message keeps its English text for the JSON report and
// comparisons.
//
// An argument is a string or number shown as it is (an identifier, a file,
// a value), a Msg (rendered in the same language), Msgs (a list of them) or
// Names (a list of identifiers); the catalog's texts place them with fmt
// verbs (%s, %q, %d, %[2]s for another order).
type Msg struct {
	ID   string
	Args []any
	// Fix, when set, is the ID of the control whose remediation follows
	// the message ("...; <remediation>").
	Fix string
}

// M is the message id with its arguments.
func M(id string, args ...any) Msg { return Msg{ID: id, Args: args} }

// WithFix is m followed by the remediation of control.
func (m Msg) WithFix(control string) Msg {
	m.Fix = control
	return m
}

// IsZero reports whether m is no message.
func (m Msg) IsZero() bool { return m.ID == "" }

// Msgs is a list of messages, joined (the first few, then "and N more").
type Msgs []Msg

// Names is a list of identifiers, joined as Msgs are.
type Names []string
