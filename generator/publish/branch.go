package publish

import "fmt"

// Branch picks the branch to publish to: requested when given, else the
// branch the generated Flux/Argo CD objects follow (gitops.branch), else
// "main". The warning is non-empty when requested differs from followed
// and is not a pull request into it (base followed).
func Branch(requested, followed, base string) (branch, warning string) {
	switch {
	case requested == "" && followed != "":
		return followed, ""
	case requested == "":
		return "main", ""
	case followed != "" && followed != requested && base != followed:
		return requested, fmt.Sprintf("branch %s, but the generated Flux/Argo CD objects follow gitops.branch %q", requested, followed)
	}
	return requested, ""
}

// CheckBranch says why name is not a valid branch name (git
// check-ref-format), or nil.
func CheckBranch(name string) error {
	if !validBranch(name) {
		return fmt.Errorf("%q is not a valid branch name", name)
	}
	return nil
}
