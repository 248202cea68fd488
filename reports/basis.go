package reports

// Bases of a declared control's result in a cluster (Basis).
const (
	BasisEvidence = "evidence" // every finding rests on the cluster's own description
	BasisDeclared = "declared" // some finding rests on the declared settings alone
)

// Basis says what a declared control's findings in a cluster rest on, for
// the renderers ("evidenced from the cluster" or "only declared"): evidence
// when every evaluated (pass or fail) finding carries Evidence, declared
// when one does not, "" when none was evaluated (manual, n/a) or the control
// is not declared.
func (r *Report) Basis(control, cluster string) string {
	basis := ""
	for _, f := range r.Findings {
		if f.Control != control || f.Cluster != cluster || (f.Status != StatusPass && f.Status != StatusFail && f.Status != StatusWaived) {
			continue
		}
		if f.Evidence == "" {
			return BasisDeclared
		}
		basis = BasisEvidence
	}
	return basis
}
