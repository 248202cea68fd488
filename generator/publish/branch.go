package publish

import (
	"fmt"
	"strings"
)

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
// check-ref-format --branch: refs/heads/x is the branch x, HEAD and other
// refs are refused), or nil.
func CheckBranch(name string) error {
	_, err := cleanBranch(name)
	return err
}

// cleanBranch is name as a short branch name, or why it is none.
func cleanBranch(name string) (string, error) {
	short := strings.TrimPrefix(name, "refs/heads/")
	switch {
	case short == "HEAD":
		return "", fmt.Errorf("%q is not a valid branch name: HEAD names the current commit, not a branch", name)
	case strings.HasPrefix(short, "refs/"):
		return "", fmt.Errorf("%q is not a valid branch name: it names a ref outside refs/heads/; give the branch name only", name)
	case !validBranch(short):
		return "", fmt.Errorf("%q is not a valid branch name (see git check-ref-format --branch)", name)
	}
	return short, nil
}
