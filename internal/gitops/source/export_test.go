package source

import (
	"errors"
	"fmt"
	"io"

	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// GoGitReads is how many trees and blobs go-git read instead of the object store.
func (r *Repository) GoGitReads() int64 {
	if r.cache == nil {
		return 0
	}
	return r.cache.goGit.Load()
}

// GoGitSnapshot reads the repository at commit c the way Snapshot did
// before the object store (gitsnap.go): every tree and blob through
// go-git, one after the other. Tests and benchmarks compare the two.
func (r *Repository) GoGitSnapshot(c *object.Commit, ref string) (*Snapshot, error) {
	tree, err := c.Tree()
	if err != nil {
		return nil, fmt.Errorf("repository %s: commit %s: %w%s", r.Location, c.Hash, err, r.hint(err))
	}
	s := newSnapshot(0, 0)
	s.Repo, s.Ref, s.Commit, s.CommitDate, s.Remote = r.Location, ref, c.Hash.String(), c.Committer.When.UTC(), r.remote
	links := map[string]string{}
	var total int64
	walker := object.NewTreeWalker(tree, true, nil)
	defer walker.Close()
	for {
		name, entry, err := walker.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("repository %s: commit %s: %w%s", r.Location, c.Hash, err, r.hint(err))
		}
		if len(s.files) >= maxFiles {
			return nil, fmt.Errorf("repository %s: more than %d files", r.Location, maxFiles)
		}
		switch entry.Mode {
		case filemode.Regular, filemode.Executable, filemode.Deprecated:
		case filemode.Symlink:
			target, err := r.blob(entry.Hash, 4096)
			if err != nil {
				s.add(&File{Path: name, Err: err})
				continue
			}
			links[name] = string(target)
			continue
		default:
			continue // directories, submodules
		}
		f := &File{Path: name}
		blob, err := r.repo.BlobObject(entry.Hash)
		switch {
		case err != nil && r.hint(err) != "":
			return nil, fmt.Errorf("repository %s: commit %s: %s: %w%s", r.Location, c.Hash, name, err, r.hint(err))
		case err != nil:
			f.Err = fmt.Errorf("read %s: %w", name, err)
		case blob.Size > maxFileSize:
			f.Err = tooLarge(name, blob.Size)
		case total+blob.Size > maxTotalSize:
			return nil, fmt.Errorf("repository %s: more than %d bytes of files", r.Location, maxTotalSize)
		default:
			f.Data, f.Err = readBlob(blob, maxFileSize)
			total += int64(len(f.Data))
		}
		s.add(f)
	}
	resolveLinks(s, links)
	s.finish()
	return s, nil
}
