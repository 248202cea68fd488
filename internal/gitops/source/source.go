// Package source reads a GitOps repository at one revision without checking
// it out: a local git repository from its object storage (objects.go reads
// loose objects and packs directly, go-git the rest), a remote one cloned
// into a temporary directory, or a plain directory. Reads never
// leave the repository (symlinks pointing outside are refused) and are
// bounded in size: a file larger than maxFileSize is listed as not
// evaluated without being inflated. Network operations are bounded in time
// (gitauth.Remote.Do). A shallow or partial local clone gets the history it
// lacks from its origin on demand (Complete), without being changed.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/filesystem"
	"github.com/go-git/go-git/v5/storage/transactional"

	"github.com/plinth-dev/plinth/internal/gitauth"
)

// Limits of what a snapshot reads.
const (
	// maxFileSize is the largest file read; larger files are listed with an
	// error (ErrTooLarge) and never inflated: go-git keeps git objects above
	// it on disk and the size is read from the object's header.
	maxFileSize = 8 << 20
	// maxTotalSize bounds the bytes a snapshot holds.
	maxTotalSize = 512 << 20
	// maxFiles bounds the number of files of a snapshot.
	maxFiles = 200000
)

// ErrTooLarge marks a file larger than maxFileSize: it is not evaluated.
var ErrTooLarge = errors.New("not evaluated: file too large")

func tooLarge(p string, size int64) error {
	return fmt.Errorf("%s: %w (%d bytes, the limit is %d)", p, ErrTooLarge, size, maxFileSize)
}

// File is one regular file of a snapshot.
type File struct {
	Path string // slash-separated, repository-relative
	Data []byte
	// Err is set when the file could not be read (too large, symlink
	// outside the repository, ...); Data is then nil.
	Err error
	// Link is the target of a symbolic link (a git blob of mode 120000, a
	// symlink on disk); Data is then the target's content when it is a
	// file of the repository.
	Link string
}

// Snapshot is the content of a repository at one revision.
type Snapshot struct {
	Repo       string
	Ref        string
	Commit     string // empty for a plain directory
	CommitDate time.Time
	// Remote is the URL the repository is known by: the URL it was cloned
	// from, else the local clone's origin; "" when unknown. GitOps objects
	// naming it (in any spelling) point at this repository.
	Remote string
	files  map[string]*File
	dirs   map[string]bool
	paths  []string
}

// Paths returns every file path, sorted.
func (s *Snapshot) Paths() []string { return s.paths }

// File returns the file at p (slash-separated, cleaned), if any.
func (s *Snapshot) File(p string) (*File, bool) {
	f, ok := s.files[p]
	return f, ok
}

// IsDir says whether p is a directory holding at least one file ("" and "." are the root).
func (s *Snapshot) IsDir(p string) bool {
	if p == "" || p == "." {
		return true
	}
	return s.dirs[p]
}

// List returns the files directly inside dir, sorted.
func (s *Snapshot) List(dir string) []string {
	var out []string
	for _, p := range s.paths {
		if path.Dir(p) == dirOrDot(dir) {
			out = append(out, p)
		}
	}
	return out
}

// Walk returns every file below dir (recursively), sorted.
func (s *Snapshot) Walk(dir string) []string {
	if dir == "" || dir == "." {
		return s.paths
	}
	prefix := dir + "/"
	i := sort.SearchStrings(s.paths, prefix)
	var out []string
	for ; i < len(s.paths) && strings.HasPrefix(s.paths[i], prefix); i++ {
		out = append(out, s.paths[i])
	}
	return out
}

func dirOrDot(d string) string {
	if d == "" {
		return "."
	}
	return d
}

// newSnapshot makes a snapshot of about files files in dirs directories.
func newSnapshot(files, dirs int) *Snapshot {
	return &Snapshot{files: make(map[string]*File, files), dirs: make(map[string]bool, dirs)}
}

func (s *Snapshot) add(f *File) {
	s.files[f.Path] = f
	for d := path.Dir(f.Path); d != "." && !s.dirs[d]; d = path.Dir(d) {
		s.dirs[d] = true
	}
}

func (s *Snapshot) finish() {
	s.paths = make([]string, 0, len(s.files))
	for p := range s.files {
		s.paths = append(s.paths, p)
	}
	sort.Strings(s.paths)
}

// Repository is an opened repository. Close removes what Open and
// Complete fetched.
type Repository struct {
	Location string
	repo     *git.Repository // nil for a plain directory
	dir      string
	// lacks says what a local clone lacks ("shallow", "partial"), or "";
	// origin is where Complete fetches it from (nil: unknown).
	lacks  string
	origin *gitauth.Remote
	remote string       // Snapshot.Remote
	temp   []string     // directories to remove on Close
	cache  *objectCache // the objects read, shared by the snapshots (gitsnap.go)
}

// Options configure Open.
type Options struct {
	// Timeout bounds each network operation (a clone, a fetch of missing
	// history); zero: PLINTH_GIT_TIMEOUT, else gitauth.DefaultTimeout.
	Timeout time.Duration
}

var scpLike = regexp.MustCompile(`^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:`)

// IsURL says whether location names a remote repository rather than a path.
func IsURL(location string) bool {
	return strings.Contains(location, "://") || scpLike.MatchString(location)
}

// Open opens a local repository (a git work tree, a bare repository or a
// plain directory) or clones a remote one into a temporary directory, with
// the credentials of the environment (gitauth: PLINTH_GIT_TOKEN,
// PLINTH_GIT_USERNAME and PLINTH_GIT_PASSWORD, PLINTH_GIT_SSH_KEY or the SSH
// agent, PLINTH_GIT_CA_FILE) or of the URL. Credentials never appear in the
// repository's Location nor in errors. The caller closes the repository.
func Open(ctx context.Context, location string, opts Options) (*Repository, error) {
	if IsURL(location) {
		rem, err := gitauth.Resolve(location, nil)
		if err != nil {
			return nil, err
		}
		if opts.Timeout > 0 {
			rem.Timeout = opts.Timeout
		}
		repo, temp, err := cloneTemp(ctx, rem)
		if err != nil {
			hint := ""
			if errors.Is(err, transport.ErrAuthenticationRequired) || errors.Is(err, transport.ErrAuthorizationFailed) {
				hint = fmt.Sprintf("; set %s (and %s), or %s for SSH", gitauth.EnvToken, gitauth.EnvUsername, gitauth.EnvSSHKey)
			}
			// The cause is shown redacted and not wrapped: its text may hold secrets.
			return nil, fmt.Errorf("clone %s: %s%s", rem.Display, rem.Redactor.Redact(err.Error()), hint)
		}
		return &Repository{Location: rem.Display, repo: repo, remote: rem.Display, temp: []string{temp}, cache: newObjectCache(repo)}, nil
	}
	st, err := os.Stat(location)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", location, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("repository %s: not a directory", location)
	}
	repo, err := openLocal(location)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		return &Repository{Location: location, dir: location}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", location, err)
	}
	r := &Repository{Location: location, repo: repo, remote: originURL(repo), cache: newObjectCache(repo)}
	r.lacks, r.origin, err = incomplete(repo, location, opts)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Close removes the temporary copies the repository was read from.
func (r *Repository) Close() error {
	var errs []error
	if r.cache != nil {
		errs = append(errs, r.cache.Close())
		r.cache = nil
	}
	for _, d := range r.temp {
		errs = append(errs, os.RemoveAll(d))
	}
	r.temp = nil
	return errors.Join(errs...)
}

// storageOptions keep git objects larger than maxFileSize on disk: their
// size comes from the object header, their content is never inflated.
var storageOptions = filesystem.Options{LargeObjectThreshold: maxFileSize}

// openLocal opens the git repository at dir (a work tree, a linked work
// tree or a bare repository) with storageOptions.
func openLocal(dir string) (*git.Repository, error) {
	plain, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: false, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, err
	}
	fsStorage, ok := plain.Storer.(*filesystem.Storage)
	if !ok {
		return plain, nil
	}
	var worktree billy.Filesystem
	if wt, err := plain.Worktree(); err == nil {
		worktree = wt.Filesystem
	}
	return git.Open(filesystem.NewStorageWithOptions(fsStorage.Filesystem(), cache.NewObjectLRUDefault(), storageOptions), worktree)
}

// cloneTemp clones rem (every branch and tag) into a new temporary
// directory: on disk, so large files are not held in memory. The caller
// removes the directory.
func cloneTemp(ctx context.Context, rem *gitauth.Remote) (*git.Repository, string, error) {
	temp, err := os.MkdirTemp("", "plinth-repo-")
	if err != nil {
		return nil, "", fmt.Errorf("temporary clone: %w", err)
	}
	st := filesystem.NewStorageWithOptions(osfs.New(temp), cache.NewObjectLRUDefault(), storageOptions)
	var repo *git.Repository
	err = rem.Do(ctx, func(ctx context.Context) (err error) {
		repo, err = git.CloneContext(ctx, st, nil, &git.CloneOptions{URL: rem.URL, Auth: rem.Auth, CABundle: rem.CA, Tags: git.AllTags})
		return err
	})
	if err != nil {
		os.RemoveAll(temp)
		return nil, "", err
	}
	return repo, temp, nil
}

// incomplete says what the local clone repo lacks: "shallow" (git clone
// --depth: older commits), "partial" (git clone --filter: contents of
// older files) or "", and the remote to fetch it from (nil when it has no
// origin, or the promisor remote of a partial clone).
func incomplete(repo *git.Repository, location string, opts Options) (string, *gitauth.Remote, error) {
	lacks := ""
	cfg, err := repo.Config()
	if err != nil {
		return "", nil, fmt.Errorf("repository %s: %w", location, err)
	}
	name := "origin"
	if p := cfg.Raw.Section("extensions").Option("partialclone"); p != "" {
		lacks, name = "partial", p
	}
	for _, sub := range cfg.Raw.Section("remote").Subsections {
		if sub.Option("promisor") == "true" || sub.Option("partialclonefilter") != "" {
			lacks = "partial"
		}
	}
	if st, ok := repo.Storer.(*filesystem.Storage); ok && lacks == "" {
		// Packs received from a promisor remote stay marked after the
		// remote is gone.
		packs, _ := st.Filesystem().ReadDir("objects/pack")
		for _, p := range packs {
			if strings.HasSuffix(p.Name(), ".promisor") {
				lacks = "partial"
			}
		}
	}
	if shallow, err := repo.Storer.Shallow(); err == nil && len(shallow) > 0 {
		lacks = "shallow"
	}
	if lacks == "" {
		return "", nil, nil
	}
	rc, ok := cfg.Remotes[name]
	if !ok || len(rc.URLs) == 0 {
		return lacks, nil, nil
	}
	u := rc.URLs[0]
	if !IsURL(u) && !filepath.IsAbs(u) {
		u = filepath.Join(location, u) // a relative path is relative to the clone
	}
	rem, err := gitauth.Resolve(u, nil)
	if err != nil {
		return lacks, nil, nil // Complete explains how to fetch with git instead
	}
	if opts.Timeout > 0 {
		rem.Timeout = opts.Timeout
	}
	return lacks, rem, nil
}

// originURL is the first URL of the clone's origin remote, or "".
func originURL(repo *git.Repository) string {
	cfg, err := repo.Config()
	if err != nil {
		return ""
	}
	rc, ok := cfg.Remotes["origin"]
	if !ok || len(rc.URLs) == 0 {
		return ""
	}
	u, err := url.Parse(rc.URLs[0])
	if err != nil || u.User == nil || !strings.Contains(rc.URLs[0], "://") {
		return rc.URLs[0]
	}
	u.User = nil // never keep credentials
	return u.String()
}

// fetchHint says how to make a clone that lacks something complete.
func fetchHint(lacks string) string {
	if lacks == "shallow" {
		return "fetch the history with git fetch --unshallow (or clone without --depth)"
	}
	return "fetch the missing files with git fetch --refetch --no-filter (or clone without --filter)"
}

// hint explains an object missing from a clone that lacks objects.
func (r *Repository) hint(err error) string {
	if r.lacks == "" || !errors.Is(err, plumbing.ErrObjectNotFound) {
		return ""
	}
	return fmt.Sprintf(" (it is a %s clone: %s)", r.lacks, fetchHint(r.lacks))
}

// Complete makes the whole history of a shallow or partial local clone
// readable: the objects it lacks are fetched from its origin into a
// temporary directory that the repository reads besides its own (the
// clone itself is not changed; revisions still resolve in it). It does
// nothing for a complete repository. Without an origin, or when the fetch
// fails, the error says how to fetch the history with git.
func (r *Repository) Complete(ctx context.Context) error {
	if r.repo == nil || r.lacks == "" {
		return nil
	}
	if r.origin == nil {
		return fmt.Errorf("repository %s is a %s clone without a remote to fetch its history from; %s", r.Location, r.lacks, fetchHint(r.lacks))
	}
	full, temp, err := cloneTemp(ctx, r.origin)
	if err != nil {
		return fmt.Errorf("repository %s is a %s clone; fetching its history from %s failed: %s; %s",
			r.Location, r.lacks, r.origin.Display, r.origin.Redactor.Redact(err.Error()), fetchHint(r.lacks))
	}
	r.temp = append(r.temp, temp)
	// Only the objects of the copy are read: its references would hide the
	// clone's own (a transactional storage reads references from the copy first).
	refs, err := full.Storer.IterReferences()
	if err != nil {
		return fmt.Errorf("repository %s: history from %s: %w", r.Location, r.origin.Display, err)
	}
	var names []plumbing.ReferenceName
	_ = refs.ForEach(func(ref *plumbing.Reference) error { names = append(names, ref.Name()); return nil })
	for _, n := range names {
		if err := full.Storer.RemoveReference(n); err != nil {
			return fmt.Errorf("repository %s: history from %s: %w", r.Location, r.origin.Display, err)
		}
	}
	repo, err := git.Open(transactional.NewStorage(r.repo.Storer, full.Storer), nil)
	if err != nil {
		return fmt.Errorf("repository %s: history from %s: %w", r.Location, r.origin.Display, err)
	}
	r.repo, r.lacks = repo, ""
	if r.cache != nil {
		r.cache.addDir(filepath.Join(temp, "objects"))
	}
	return nil
}

// IsGit says whether the repository has history (false for a plain directory).
func (r *Repository) IsGit() bool { return r.repo != nil }

// Resolve returns the commit a revision (branch, tag, hash, HEAD) names.
func (r *Repository) Resolve(rev string) (*object.Commit, error) {
	if r.repo == nil {
		return nil, fmt.Errorf("repository %s: not a git repository, --ref/--since/--month need history", r.Location)
	}
	if rev == "" {
		rev = "HEAD"
	}
	h, err := r.repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		// A clone in memory only has remote-tracking branches.
		if h2, err2 := r.repo.ResolveRevision(plumbing.Revision("refs/remotes/origin/" + rev)); err2 == nil {
			h, err = h2, nil
		}
	}
	if err != nil {
		return nil, fmt.Errorf("repository %s: revision %q: %w%s", r.Location, rev, err, r.branchHint(rev))
	}
	c, err := r.repo.CommitObject(*h)
	if err != nil {
		return nil, fmt.Errorf("repository %s: revision %q: %w%s", r.Location, rev, err, r.hint(err))
	}
	return c, nil
}

// branchHint explains an unresolvable revision: a HEAD pointing at a
// branch that does not exist (a bare repository made with another default
// branch), and the branches there are.
func (r *Repository) branchHint(rev string) string {
	var branches []string
	if iter, err := r.repo.References(); err == nil {
		_ = iter.ForEach(func(ref *plumbing.Reference) error {
			if ref.Name().IsBranch() || ref.Name().IsRemote() && ref.Name().Short() != "origin/HEAD" {
				branches = append(branches, strings.TrimPrefix(ref.Name().Short(), "origin/"))
			}
			return nil
		})
	}
	slices.Sort(branches)
	branches = slices.Compact(branches)
	hint := ""
	if head, err := r.repo.Storer.Reference(plumbing.HEAD); rev == "HEAD" && err == nil && head.Type() == plumbing.SymbolicReference {
		hint = fmt.Sprintf(": HEAD points to %s, which does not exist", head.Target())
	}
	switch {
	case len(branches) == 0:
		return hint + " (the repository has no branches)"
	case len(branches) > 20:
		branches = append(branches[:20], "...")
	}
	return fmt.Sprintf("%s; pass --ref (branches: %s)", hint, strings.Join(branches, ", "))
}

// LastBefore returns the newest commit reachable from head whose committer
// date is before t, or nil when there is none.
func (r *Repository) LastBefore(head *object.Commit, t time.Time) (*object.Commit, error) {
	iter, err := r.repo.Log(&git.LogOptions{From: head.Hash, Order: git.LogOrderCommitterTime})
	if err != nil {
		return nil, fmt.Errorf("repository %s: log: %w%s", r.Location, err, r.hint(err))
	}
	defer iter.Close()
	for {
		c, err := iter.Next()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("repository %s: log: %w%s", r.Location, err, r.hint(err))
		}
		if c.Committer.When.Before(t) {
			return c, nil
		}
	}
}

// Between returns the commits reachable from head but not from base
// (base may be nil), newest first.
func (r *Repository) Between(base, head *object.Commit) ([]*object.Commit, error) {
	exclude := map[plumbing.Hash]bool{}
	if base != nil {
		iter, err := r.repo.Log(&git.LogOptions{From: base.Hash})
		if err != nil {
			return nil, fmt.Errorf("repository %s: log: %w%s", r.Location, err, r.hint(err))
		}
		if err := iter.ForEach(func(c *object.Commit) error { exclude[c.Hash] = true; return nil }); err != nil {
			return nil, fmt.Errorf("repository %s: log: %w%s", r.Location, err, r.hint(err))
		}
	}
	iter, err := r.repo.Log(&git.LogOptions{From: head.Hash, Order: git.LogOrderCommitterTime})
	if err != nil {
		return nil, fmt.Errorf("repository %s: log: %w%s", r.Location, err, r.hint(err))
	}
	var out []*object.Commit
	err = iter.ForEach(func(c *object.Commit) error {
		if !exclude[c.Hash] {
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("repository %s: log: %w%s", r.Location, err, r.hint(err))
	}
	return out, nil
}

// Snapshot reads the repository at commit c (nil: the plain directory).
func (r *Repository) Snapshot(c *object.Commit, ref string) (*Snapshot, error) {
	if r.repo == nil {
		return readDir(r.dir, r.Location)
	}
	return r.gitSnapshot(c, ref)
}

func (r *Repository) blob(h plumbing.Hash, limit int64) ([]byte, error) {
	b, err := r.repo.BlobObject(h)
	if err != nil {
		return nil, err
	}
	return readBlob(b, limit)
}

// readBlob reads at most limit bytes of b.
func readBlob(b *object.Blob, limit int64) ([]byte, error) {
	rd, err := b.Reader()
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	return io.ReadAll(io.LimitReader(rd, limit))
}

// resolveLinks turns symlinks to files inside the repository into copies of
// their target and every other symlink into an error entry.
func resolveLinks(s *Snapshot, links map[string]string) {
	for name, target := range links {
		f := &File{Path: name, Link: target}
		resolved := path.Clean(path.Join(path.Dir(name), target))
		switch {
		case path.IsAbs(target) || resolved == ".." || strings.HasPrefix(resolved, "../"):
			f.Err = fmt.Errorf("%s: symlink to %q points outside the repository, not followed", name, target)
		default:
			// Follow chains of links inside the repository a few steps.
			for i := 0; i < 8; i++ {
				if t, ok := links[resolved]; ok {
					resolved = path.Clean(path.Join(path.Dir(resolved), t))
					continue
				}
				break
			}
			if strings.HasPrefix(resolved, "../") || path.IsAbs(resolved) {
				f.Err = fmt.Errorf("%s: symlink to %q points outside the repository, not followed", name, target)
			} else if tf, ok := s.files[resolved]; ok {
				f.Data, f.Err = tf.Data, tf.Err
			} else {
				f.Err = fmt.Errorf("%s: symlink to %q does not point to a file of the repository, not followed", name, target)
			}
		}
		s.add(f)
	}
}

// readDir reads a plain directory through an os.Root, so symlinks cannot
// lead outside it.
func readDir(dir, location string) (*Snapshot, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", location, err)
	}
	defer root.Close()
	s := newSnapshot(0, 0)
	s.Repo, s.Ref = location, ""
	var total int64
	err = fs.WalkDir(root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			s.add(&File{Path: p, Err: fmt.Errorf("%s: %w", p, err)})
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return fs.SkipDir
			}
			return nil
		}
		if len(s.files) >= maxFiles {
			return fmt.Errorf("more than %d files", maxFiles)
		}
		f := &File{Path: p}
		if d.Type()&fs.ModeSymlink != 0 {
			target, lerr := root.Readlink(filepath.FromSlash(p))
			f.Link = target
			if lerr == nil && (filepath.IsAbs(target) || !filepath.IsLocal(filepath.Join(filepath.Dir(filepath.FromSlash(p)), target))) {
				f.Err = fmt.Errorf("%s: symlink to %q points outside the repository, not followed", p, target)
				s.add(f)
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		st, err := root.Stat(filepath.FromSlash(p))
		switch {
		case err != nil:
			f.Err = fmt.Errorf("%s: %w", p, err)
		case st.IsDir() && f.Link != "":
			// A link to a directory is not followed (as in git, where it
			// is a link to no file of the repository).
			f.Err = fmt.Errorf("%s: symlink to %q is a directory, not followed", p, f.Link)
		case st.IsDir():
			return nil
		case st.Size() > maxFileSize:
			f.Err = tooLarge(p, st.Size())
		case total+st.Size() > maxTotalSize:
			return fmt.Errorf("more than %d bytes of files", maxTotalSize)
		default:
			fh, err := root.Open(filepath.FromSlash(p))
			if err != nil {
				f.Err = fmt.Errorf("%s: %w", p, err)
				break
			}
			f.Data, f.Err = io.ReadAll(io.LimitReader(fh, maxFileSize))
			fh.Close()
			total += int64(len(f.Data))
		}
		s.add(f)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("repository %s: %w", location, err)
	}
	s.finish()
	return s, nil
}

// FromFiles builds a snapshot from in-memory files (slash-separated paths),
// for callers that already hold a rendered tree.
func FromFiles(repo string, files map[string][]byte) *Snapshot {
	s := newSnapshot(0, 0)
	s.Repo = repo
	for p, data := range files {
		p = path.Clean(strings.TrimLeft(p, "/"))
		if p == "." || p == ".." || strings.HasPrefix(p, "../") {
			continue
		}
		f := &File{Path: p}
		if len(data) > maxFileSize {
			f.Err = tooLarge(p, int64(len(data)))
		} else {
			f.Data = data
		}
		s.add(f)
	}
	s.finish()
	return s
}
