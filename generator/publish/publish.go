// Package publish commits a generated tree to a GitOps repository with
// go-git, and computes what such a commit would change (for plinth diff).
//
// The repository is cloned into memory (a single branch, no worktree). The new
// commit's tree is built from the previous head's tree and the generated
// files: only directories on changed paths are rewritten, stale files are
// removed only when the previous ownership manifest lists them, and every
// other file is left alone. A push rejected because the branch moved is
// retried on the new head a bounded number of times; nothing is ever forced.
package publish

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	gogit "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/transport"
	"github.com/go-git/go-git/v5/storage/memory"

	"github.com/plinth-dev/plinth/generator"
	"github.com/plinth-dev/plinth/internal/gitauth"
	"github.com/plinth-dev/plinth/internal/gitops/repo"
)

// Sentinel kinds of failure; errors returned by this package match one of
// them with errors.Is when the cause is known.
var (
	ErrAuth        = errors.New("authentication failed")
	ErrNotFound    = errors.New("repository not found")
	ErrUnreachable = errors.New("repository unreachable")
	ErrBranch      = errors.New("branch not found")
	ErrOwnership   = errors.New("plinth does not own the files it would change")
	ErrMoved       = errors.New("the branch kept moving")
	ErrTrust       = errors.New("server not trusted")
	// ErrOption marks a bad option (--branch, --base, --path, --author):
	// nothing was read or written; the CLI exits 2.
	ErrOption = errors.New("bad option")
)

// Options configure Plan and Publish.
type Options struct {
	Repo   string // URL (https, ssh, git, file), scp-like address or local path
	Branch string // default "main"
	// Base is the branch a missing Branch starts from (pull-request flows);
	// empty: a missing Branch is an error unless the repository is empty.
	Base string
	// Path is the output's directory inside the repository (--path); empty: root.
	Path string

	Title   string // what the summary names, e.g. the platform's name
	Message string // replaces the generated summary line
	Author  string // "Name <email>"; empty: $GIT_AUTHOR_NAME/$GIT_AUTHOR_EMAIL or "plinth <plinth@plinth.dev>"
	Version string // plinth version, recorded in the message
	// SourceCommit is the platform repository's commit, recorded in the message.
	SourceCommit string
	// Group names the group (cluster) a generated file belongs to in the
	// commit message; path is relative to the output root. Nil: the
	// output's Cluster; "": "other".
	Group func(path string) string

	DryRun  bool // Publish stops before committing
	Retries int  // pushes attempted when the branch moves; default 5
	// Timeout bounds each network operation (list, fetch, push); zero:
	// $PLINTH_GIT_TIMEOUT, else gitauth.DefaultTimeout.
	Timeout time.Duration

	Getenv func(string) string // credentials source; default os.Getenv
	Now    func() time.Time    // commit time; default time.Now
}

// Result is what Plan or Publish did.
type Result struct {
	Repo     string // the repository, without credentials
	Branch   string
	Created  bool          // Branch did not exist: it starts from Options.Base
	Base     string        // commit the changes apply to; "" for an empty repository
	Commit   string        // new commit; "" when nothing changed or on a dry run
	Message  string        // the commit message (also on a dry run)
	Changes  []repo.Change // paths relative to the repository root
	Attempts int           // pushes attempted
}

// Counts returns the number of added, changed and removed files.
func (r *Result) Counts() (added, changed, removed int) {
	return repo.Count(r.Changes)
}

// Plan clones the branch and computes the changes publishing out would make,
// without committing. It is what plinth diff and publish --dry-run show.
func Plan(ctx context.Context, out *generator.Output, opts Options) (*Result, error) {
	opts.DryRun = true
	return Publish(ctx, out, opts)
}

// Publish commits out to the branch and pushes it. Nothing changed: no
// commit, Result.Commit is "". On failure the remote is unchanged.
func Publish(ctx context.Context, out *generator.Output, opts Options) (*Result, error) {
	if opts.Branch == "" {
		opts.Branch = "main"
	}
	if opts.Retries <= 0 {
		opts.Retries = 5
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Group == nil && out != nil {
		opts.Group = out.Cluster
	}
	rem, err := resolveRemote(opts.Repo, opts.Getenv)
	if err != nil {
		return nil, wrap(gitauth.Redactor{}, err)
	}
	if opts.Timeout > 0 {
		rem.Timeout = opts.Timeout
	}
	res, err := publish(ctx, rem, out, opts)
	if err != nil {
		return res, wrap(rem.Redactor, err)
	}
	return res, nil
}

func publish(ctx context.Context, rem *remote, out *generator.Output, opts Options) (*Result, error) {
	var err error
	if opts.Branch, err = branchName("--branch", opts.Branch); err != nil {
		return nil, err
	}
	if opts.Base != "" {
		if opts.Base, err = branchName("--base", opts.Base); err != nil {
			return nil, err
		}
	}
	sub := strings.Trim(opts.Path, "/")
	if sub != "" {
		if err := repo.CheckPath(sub); err != nil {
			return nil, optionError("repository path: %v", err)
		}
	}
	author, err := signature(opts)
	if err != nil {
		return nil, optionError("%v", err)
	}
	if out == nil || len(out.Files) == 0 {
		return nil, errors.New("nothing to publish: the generated output is empty")
	}
	for p := range out.Files {
		if err := repo.CheckPath(p); err != nil {
			return nil, fmt.Errorf("generated output: %w", err)
		}
	}

	s, err := newSession(rem, opts.Branch, opts.Base)
	if err != nil {
		return nil, err
	}
	res := &Result{Repo: rem.Display, Branch: opts.Branch}
	base, err := s.head(ctx)
	if err != nil {
		return nil, err
	}
	for {
		res.Created = s.created
		res.Base = ""
		if !base.IsZero() {
			res.Base = base.String()
		}
		tree, changes, err := s.build(base, sub, out)
		if err != nil {
			return nil, err
		}
		res.Changes = changes
		res.Message = message(opts, sub, changes)
		if len(changes) == 0 {
			slog.Debug("publish: up to date", "repo", rem.Display, "branch", opts.Branch, "base", res.Base)
			return res, nil
		}
		if opts.DryRun {
			return res, nil
		}
		commit, err := s.commit(tree, base, res.Message, author, opts.Now())
		if err != nil {
			return nil, err
		}
		res.Attempts++
		if testHookBeforePush != nil {
			testHookBeforePush(res.Attempts)
		}
		slog.Debug("publish: pushing", "repo", rem.Display, "branch", opts.Branch, "commit", commit.String(), "attempt", res.Attempts)
		perr := s.push(ctx, commit)
		if perr == nil {
			res.Commit = commit.String()
			return res, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("push to %s: %w", rem.Display, ctx.Err())
		}
		if errors.Is(perr, gitauth.ErrTimeout) {
			return nil, perr
		}
		// Rejected: find out whether the branch moved meanwhile.
		now, err := s.head(ctx)
		if err != nil {
			return nil, fmt.Errorf("push to %s failed (%v), then: %w", rem.Display, perr, err)
		}
		if now == base {
			hint := ""
			if strings.Contains(perr.Error(), "checked out") {
				hint = "; publish to a bare repository (git clone --bare) or to a branch that is not checked out"
			}
			return nil, fmt.Errorf("push to %s branch %s: %w%s", rem.Display, opts.Branch, perr, hint)
		}
		if res.Attempts >= opts.Retries {
			return nil, fmt.Errorf("push to %s branch %s: %w: rejected %d times as others pushed meanwhile; run publish again", rem.Display, opts.Branch, ErrMoved, res.Attempts)
		}
		slog.Debug("publish: branch moved, rebuilding on the new head", "from", base.String(), "to", now.String(), "push", rem.Redactor.Redact(perr.Error()))
		base = now
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("push to %s: %w", rem.Display, ctx.Err())
		case <-time.After(time.Duration(res.Attempts*50) * time.Millisecond):
		}
	}
}

// testHookBeforePush lets tests push from another client between the clone
// and the push.
var testHookBeforePush func(attempt int)

// optionError is an error of ErrOption's kind with its own message.
func optionError(format string, args ...any) error {
	return &redactedError{msg: fmt.Sprintf(format, args...), kind: ErrOption}
}

// branchName checks a branch name as git check-ref-format --branch does
// and returns it short: refs/heads/x is the branch x (as git push reads
// it), HEAD and other refs/ names are refused.
func branchName(flag, b string) (string, error) {
	short, err := cleanBranch(b)
	if err != nil {
		return "", optionError("%s %v", flag, err)
	}
	return short, nil
}

// validBranch follows git check-ref-format for branch names.
func validBranch(b string) bool {
	if b == "" || b == "@" || repo.CheckPath(b) != nil || strings.ContainsAny(b, " ~^:?*[\\\x7f") ||
		strings.Contains(b, "..") || strings.Contains(b, "@{") || strings.HasPrefix(b, "-") || strings.HasSuffix(b, ".") {
		return false
	}
	for _, part := range strings.Split(b, "/") {
		if strings.HasPrefix(part, ".") || strings.HasSuffix(part, ".lock") {
			return false
		}
	}
	for _, r := range b {
		if r < 0x20 {
			return false
		}
	}
	return true
}

// session is an in-memory clone of one branch.
type session struct {
	rem    *remote
	branch plumbing.ReferenceName
	base   plumbing.ReferenceName // where a missing branch starts; "" for none
	repo   *gogit.Repository
	origin *gogit.Remote
	// created: the branch does not exist (yet); head is the base's head.
	created bool
}

func newSession(rem *remote, branch, base string) (*session, error) {
	repo, err := gogit.Init(memory.NewStorage(), nil)
	if err != nil {
		return nil, fmt.Errorf("in-memory repository: %w", err)
	}
	origin, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{rem.URL}})
	if err != nil {
		return nil, fmt.Errorf("remote %s: %w", rem.Display, err)
	}
	s := &session{rem: rem, branch: plumbing.NewBranchReferenceName(branch), repo: repo, origin: origin}
	if base != "" {
		s.base = plumbing.NewBranchReferenceName(base)
	}
	return s, nil
}

// head lists the remote's refs and fetches the branch (or, when it does not
// exist, the base it starts from); zero for an empty repository.
func (s *session) head(ctx context.Context) (plumbing.Hash, error) {
	s.created = false
	var refs []*plumbing.Reference
	err := s.rem.Do(ctx, func(ctx context.Context) (err error) {
		refs, err = s.origin.ListContext(ctx, &gogit.ListOptions{Auth: s.rem.Auth, CABundle: s.rem.CA})
		return err
	})
	if errors.Is(err, transport.ErrEmptyRemoteRepository) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, s.transportError("read", err)
	}
	var want, base *plumbing.Reference
	var branches []string
	for _, r := range refs {
		switch r.Name() {
		case s.branch:
			want = r
		case s.base:
			base = r
		}
		if r.Name().IsBranch() {
			branches = append(branches, r.Name().Short())
		}
	}
	switch {
	case want != nil:
	case len(branches) == 0:
		return plumbing.ZeroHash, nil // empty repository: the first publish creates the branch
	case base != nil:
		want, s.created = base, true
	case s.base != "":
		sort.Strings(branches)
		return plumbing.ZeroHash, fmt.Errorf("%w: %s has neither branch %q nor its base %q (it has %s)", ErrBranch, s.rem.Display,
			s.branch.Short(), s.base.Short(), strings.Join(branches, ", "))
	default:
		sort.Strings(branches)
		return plumbing.ZeroHash, fmt.Errorf("%w: %s has no branch %q (it has %s; --base BRANCH starts it from one)", ErrBranch, s.rem.Display,
			s.branch.Short(), strings.Join(branches, ", "))
	}
	if _, err := s.repo.Storer.EncodedObject(plumbing.CommitObject, want.Hash()); err == nil {
		return want.Hash(), nil
	}
	track := plumbing.NewRemoteReferenceName("origin", want.Name().Short())
	err = s.rem.Do(ctx, func(ctx context.Context) error {
		return s.origin.FetchContext(ctx, &gogit.FetchOptions{
			RefSpecs: []config.RefSpec{config.RefSpec(fmt.Sprintf("+%s:%s", want.Name(), track))},
			Auth:     s.rem.Auth,
			CABundle: s.rem.CA,
			Tags:     gogit.NoTags,
			Depth:    1, // the tree of the head is all publish reads; the parent link is all a push needs
		})
	})
	if err != nil && !errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return plumbing.ZeroHash, s.transportError("fetch from", err)
	}
	ref, err := s.repo.Reference(track, true)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("fetch from %s: branch %s: %w", s.rem.Display, want.Name().Short(), err)
	}
	return ref.Hash(), nil
}

func (s *session) transportError(verb string, err error) error {
	var unknownCA x509.UnknownAuthorityError
	var badCert *tls.CertificateVerificationError
	if errors.As(err, &unknownCA) || errors.As(err, &badCert) || strings.Contains(err.Error(), "x509: ") {
		return fmt.Errorf("%w: cannot %s %s: its TLS certificate is not trusted (%v); set %s to a PEM file of the CA that signed it", ErrTrust, verb, s.rem.Display, err, EnvCAFile)
	}
	if msg := err.Error(); strings.Contains(msg, "knownhosts") || strings.Contains(msg, "known_hosts") {
		return fmt.Errorf("%w: cannot %s %s: the SSH host key is not trusted (%v); add the host to ~/.ssh/known_hosts or to the file $SSH_KNOWN_HOSTS names", ErrTrust, verb, s.rem.Display, err)
	}
	switch k := kindOf(err); k {
	case ErrAuth:
		hint := fmt.Sprintf("check %s, or %s and %s", EnvToken, EnvUsername, EnvPassword)
		if gitauth.IsSCPLike(s.rem.URL) || strings.HasPrefix(s.rem.URL, "ssh://") {
			hint = fmt.Sprintf("check the key in %s or the SSH agent, and that the key may access the repository", EnvSSHKey)
		}
		return fmt.Errorf("%w: cannot %s %s: %s", ErrAuth, verb, s.rem.Display, hint)
	case ErrNotFound:
		return fmt.Errorf("%w: %s", ErrNotFound, s.rem.Display)
	case ErrUnreachable:
		return fmt.Errorf("%w: cannot %s %s: %w", ErrUnreachable, verb, s.rem.Display, err)
	}
	return fmt.Errorf("cannot %s %s: %w", verb, s.rem.Display, err)
}

// build applies out (under sub) to base's tree: the changes repo.Plan finds
// between the files under sub and out, with repository paths.
func (s *session) build(base plumbing.Hash, sub string, out *generator.Output) (plumbing.Hash, []repo.Change, error) {
	st := s.repo.Storer
	var baseTree plumbing.Hash
	if !base.IsZero() {
		c, err := object.GetCommit(st, base)
		if err != nil {
			return plumbing.ZeroHash, nil, fmt.Errorf("read commit %s: %w", base, err)
		}
		baseTree = c.TreeHash
	}
	join := func(p string) string {
		if sub == "" {
			return p
		}
		return sub + "/" + p
	}
	old, err := newGitTree(st, baseTree, sub)
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	pl, err := repo.Plan(old, out.Files)
	var damaged *repo.ManifestError
	var notOwned *repo.NotOwnedError
	switch {
	case errors.As(err, &damaged):
		return plumbing.ZeroHash, nil, fmt.Errorf("%s in %s at %s: %v; fix it (restore it from history) before publishing", join(repo.ManifestPath), s.rem.Display, base.String()[:12], damaged.Err)
	case errors.As(err, &notOwned):
		paths := make([]string, len(notOwned.Paths))
		for i, p := range notOwned.Paths {
			paths[i] = join(p)
		}
		return plumbing.ZeroHash, nil, fmt.Errorf("%w: %s would be overwritten but %s does not list them; move them away or add them to the manifest", ErrOwnership, listSome(paths, 5), join(repo.ManifestPath))
	case err != nil:
		return plumbing.ZeroHash, nil, fmt.Errorf("generated output: %w", err)
	}
	if p := fileAndDir(out.Files); p != "" {
		return plumbing.ZeroHash, nil, fmt.Errorf("generated output has both a file and a directory at %s", p)
	}
	if len(pl.List) == 0 {
		return baseTree, nil, nil
	}
	root := &node{}
	changes := make([]repo.Change, len(pl.List))
	for i, c := range pl.List {
		n := root.insert(join(c.Path))
		if c.Action == repo.Removed {
			n.del = true
		} else {
			n.put, n.data, n.hash = true, c.New, blobHash(c.New)
		}
		c.Path = join(c.Path)
		changes[i] = c
	}
	e := &treeEditor{s: st}
	tree, empty, err := e.apply(baseTree, root, "")
	if err != nil {
		return plumbing.ZeroHash, nil, err
	}
	if len(e.clashes) > 0 {
		sort.Strings(e.clashes)
		return plumbing.ZeroHash, nil, fmt.Errorf("cannot publish to %s: %s", s.rem.Display, listSome(e.clashes, 5))
	}
	if empty {
		tree, err = writeTree(st, nil)
		if err != nil {
			return plumbing.ZeroHash, nil, err
		}
	}
	if tree == baseTree {
		return tree, nil, nil
	}
	return tree, changes, nil
}

// fileAndDir returns the first path of files that is also a directory of
// another one, or "".
func fileAndDir(files map[string][]byte) string {
	var clash []string
	for p := range files {
		for i := range len(p) {
			if p[i] == '/' {
				if _, ok := files[p[:i]]; ok {
					clash = append(clash, p[:i])
				}
			}
		}
	}
	if len(clash) == 0 {
		return ""
	}
	return slices.Min(clash)
}

func listSome(items []string, max int) string {
	if len(items) <= max {
		return strings.Join(items, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(items[:max], ", "), len(items)-max)
}

func (s *session) commit(tree, parent plumbing.Hash, msg string, who object.Signature, when time.Time) (plumbing.Hash, error) {
	who.When = when
	c := &object.Commit{Author: who, Committer: who, Message: msg, TreeHash: tree}
	if !parent.IsZero() {
		c.ParentHashes = []plumbing.Hash{parent}
	}
	obj := s.repo.Storer.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode commit: %w", err)
	}
	h, err := s.repo.Storer.SetEncodedObject(obj)
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("store commit: %w", err)
	}
	if err := s.repo.Storer.SetReference(plumbing.NewHashReference(s.branch, h)); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("set %s: %w", s.branch, err)
	}
	return h, nil
}

// push pushes the branch; a refused push's error carries what the server's
// hooks said (its "remote:" lines).
func (s *session) push(ctx context.Context, commit plumbing.Hash) error {
	var said remoteLog
	err := s.rem.Do(ctx, func(ctx context.Context) error {
		return s.repo.PushContext(ctx, &gogit.PushOptions{
			RemoteName: "origin",
			RefSpecs:   []config.RefSpec{config.RefSpec(fmt.Sprintf("%s:%s", s.branch, s.branch))},
			Auth:       s.rem.Auth,
			CABundle:   s.rem.CA,
			Progress:   &said,
		})
	})
	if errors.Is(err, gogit.NoErrAlreadyUpToDate) {
		return nil
	}
	if err != nil {
		if errors.Is(err, gitauth.ErrTimeout) {
			return s.transportError("push to", err) // the abandoned push may still write to said
		}
		if msg := said.String(); msg != "" {
			return fmt.Errorf("%w; %s", s.transportError("push to", err), msg)
		}
		return s.transportError("push to", err)
	}
	return nil
}

// signature parses opts.Author or falls back on the environment.
func signature(opts Options) (object.Signature, error) {
	if opts.Author != "" {
		name, email, err := ParseAuthor(opts.Author)
		if err != nil {
			return object.Signature{}, err
		}
		return object.Signature{Name: name, Email: email}, nil
	}
	getenv := opts.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	sig := object.Signature{Name: "plinth", Email: "plinth@plinth.dev"}
	if n := strings.TrimSpace(getenv("GIT_AUTHOR_NAME")); n != "" && !strings.ContainsAny(n, "<>\n") {
		sig.Name = n
	}
	if e := strings.TrimSpace(getenv("GIT_AUTHOR_EMAIL")); e != "" && !strings.ContainsAny(e, "<>\n ") {
		sig.Email = e
	}
	return sig, nil
}

// ParseAuthor parses "Name <email>" (as git --author takes it).
func ParseAuthor(s string) (name, email string, err error) {
	a, perr := mail.ParseAddress(strings.TrimSpace(s))
	if perr != nil || a.Name == "" || strings.ContainsAny(a.Name+a.Address, "<>\n\r\x00") {
		return "", "", fmt.Errorf("author %q: want \"Name <email>\"", s)
	}
	return a.Name, a.Address, nil
}

// kindOf maps a cause to one of the package's sentinel kinds, or nil.
func kindOf(err error) error {
	for _, k := range []error{ErrAuth, ErrNotFound, ErrUnreachable, ErrBranch, ErrOwnership, ErrMoved, ErrTrust, ErrOption} {
		if errors.Is(err, k) {
			return k
		}
	}
	switch {
	case errors.Is(err, transport.ErrAuthenticationRequired), errors.Is(err, transport.ErrAuthorizationFailed),
		errors.Is(err, transport.ErrInvalidAuthMethod):
		return ErrAuth
	case errors.Is(err, transport.ErrRepositoryNotFound):
		return ErrNotFound
	case errors.Is(err, gitauth.ErrTimeout):
		return ErrUnreachable
	}
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &ne) || errors.As(err, &oe) {
		return ErrUnreachable
	}
	msg := err.Error()
	if strings.Contains(msg, "unable to authenticate") {
		return ErrAuth // SSH: no key accepted
	}
	for _, s := range []string{"connection refused", "no such host", "i/o timeout", "network is unreachable"} {
		if strings.Contains(msg, s) {
			return ErrUnreachable
		}
	}
	return nil
}
