package publish

import (
	"path/filepath"

	gogit "github.com/go-git/go-git/v5"
)

// SourceCommit returns the commit checked out in the git repository holding
// dir (the platform repository), or "" when dir is not inside one.
func SourceCommit(dir string) string {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return ""
	}
	repo, err := gogit.PlainOpenWithOptions(abs, &gogit.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return ""
	}
	head, err := repo.Head()
	if err != nil {
		return ""
	}
	return head.Hash().String()
}
