package i18n

import (
	"fmt"
	"strings"

	"github.com/plinth-dev/plinth/reports"
)

// listMax is how many items of a list a message shows before "and N more".
const listMax = 5

// Format is the message m in the localizer's language: its catalog text
// with the arguments in place, then the remediation of m.Fix.
func (l Localizer) Format(m reports.Msg) string {
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		args[i] = l.arg(a)
	}
	s := l.T(m.ID)
	if len(args) > 0 {
		s = fmt.Sprintf(s, args...)
	}
	if m.Fix != "" {
		if c, ok := reports.LookupControl(m.Fix); ok {
			s = fmt.Sprintf(l.T("msg.fix"), s, strings.TrimSpace(l.Remediation(c)))
		}
	}
	return s
}

func (l Localizer) arg(a any) any {
	switch v := a.(type) {
	case reports.Msg:
		return l.Format(v)
	case reports.Msgs:
		out := make([]string, len(v))
		for i, m := range v {
			out[i] = l.Format(m)
		}
		return l.List(out)
	case reports.Names:
		return l.List(v)
	}
	return a
}

// List joins items: the first few, then "and N more"; repeated neighbours once.
func (l Localizer) List(items []string) string {
	var out []string
	for i, s := range items {
		if i > 0 && s == items[i-1] {
			continue
		}
		out = append(out, s)
	}
	if len(out) > listMax {
		return strings.Join(out[:listMax], ", ") + fmt.Sprintf(l.T("msg.more"), len(out)-listMax)
	}
	return strings.Join(out, ", ")
}

// English formats messages in English.
var englishL = Localizer{lang: English}

// SetMessage gives f the message m: Msg, MessageID and its English
// (Message) and Korean (MessageKo) texts.
func SetMessage(f *reports.Finding, m reports.Msg) {
	f.Msg, f.MessageID = m, m.ID
	f.Message = englishL.Format(m)
	f.MessageKo = Korean(m)
}

// Message is a finding's message in the localizer's language: its Msg
// when it has one, else its Korean text under ko when there is one, else
// its (English) Message.
func (l Localizer) Message(f reports.Finding) string { return l.text(f.Msg, f.Message, f.MessageKo) }

// Skipped is the message of a source not evaluated, as Message.
func (l Localizer) Skipped(s reports.NotEvaluated) string {
	return l.text(s.Msg, s.Message, s.MessageKo)
}

// Warning is the message of a warning, as Message.
func (l Localizer) Warning(w reports.Warning) string { return l.text(w.Msg, w.Message, w.MessageKo) }

func (l Localizer) text(m reports.Msg, english, korean string) string {
	if !m.IsZero() {
		return l.Format(m)
	}
	if l.Lang() == "ko" && korean != "" {
		return korean
	}
	return english
}

// Korean is the message m in Korean (for the JSON's messageKo).
func Korean(m reports.Msg) string { return Localizer{lang: "ko"}.Format(m) }

// MessageIDs lists the IDs of the finding messages (prefix "msg.", "check.",
// "scan.", "decl."): each has every language (TestCatalogComplete).
func MessageIDs() []string {
	var ids []string
	for id := range messages {
		for _, p := range []string{"msg.", "check.", "scan.", "decl."} {
			if strings.HasPrefix(id, p) {
				ids = append(ids, id)
			}
		}
	}
	return ids
}

// Brief is a finding's message without the remediation that follows it,
// for a layout that shows the control's remediation beside it (the PDF).
func (l Localizer) Brief(f reports.Finding) string {
	if !f.Msg.IsZero() {
		return l.Format(withoutFix(f.Msg))
	}
	return l.Message(f)
}

// withoutFix is m without remediations, its arguments' included (a
// waiver's note around a check's message).
func withoutFix(m reports.Msg) reports.Msg {
	m.Fix = ""
	args := make([]any, len(m.Args))
	for i, a := range m.Args {
		if inner, ok := a.(reports.Msg); ok {
			a = withoutFix(inner)
		}
		args[i] = a
	}
	m.Args = args
	return m
}
