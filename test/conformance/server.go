// Package conformance applies what a generated GitOps repository deploys to a
// real kube-apiserver (built by .ci/steps.d/apiserver.sh, on Debian's etcd)
// started on loopback by the tests: namespaces for real, everything else with
// server-side dry-run, zero errors and zero warnings expected.
//
// The package has two parts: Server starts and stops etcd and kube-apiserver;
// Render gives what a bootstrapped Flux or Argo CD would apply for a cluster,
// as internal/gitops/render (the emulation the report uses) renders it. The
// tests check that emulation against the standalone kustomize CLI, an oracle
// independent of the code under test.
package conformance

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"k8s.io/client-go/rest"
)

// Binaries says where the kube-apiserver and etcd binaries are. The
// kube-apiserver comes from $PLINTH_KUBE_APISERVER or .ci/cache/kube-apiserver
// of the repository; etcd from $PLINTH_ETCD or $PATH.
func Binaries() (apiserver, etcd string, err error) {
	apiserver = os.Getenv("PLINTH_KUBE_APISERVER")
	if apiserver == "" {
		if root, ok := repoRoot(); ok {
			apiserver = filepath.Join(root, ".ci", "cache", "kube-apiserver")
		}
	}
	if apiserver == "" {
		return "", "", errors.New("kube-apiserver not found: set PLINTH_KUBE_APISERVER or run .ci/steps.d/apiserver.sh")
	}
	if _, err := os.Stat(apiserver); err != nil {
		return "", "", fmt.Errorf("kube-apiserver not found at %s (run .ci/steps.d/apiserver.sh): %w", apiserver, err)
	}
	etcd = os.Getenv("PLINTH_ETCD")
	if etcd == "" {
		if etcd, err = exec.LookPath("etcd"); err != nil {
			return "", "", errors.New("etcd not found in PATH: install Debian's etcd-server or set PLINTH_ETCD")
		}
	}
	return apiserver, etcd, nil
}

// repoRoot finds the plinth checkout from the working directory.
func repoRoot() (string, bool) {
	dir, err := os.Getwd()
	if err != nil {
		return "", false
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, ".ci", "apiserver", "go.mod")); err == nil {
			return dir, true
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", false
		}
		dir = parent
	}
}

// Server is an etcd and a kube-apiserver listening on 127.0.0.1.
type Server struct {
	// Config reaches the API server as a member of system:masters, with
	// Warnings recording every warning header it receives.
	Config   *rest.Config
	Warnings *Warnings

	dir   string
	procs []*exec.Cmd
	logs  []*syncWriter
	done  []chan struct{}
}

// Start runs etcd and kube-apiserver with their state under dir (a fresh
// temporary directory) and waits, at most timeout, until the API server is ready.
func Start(ctx context.Context, dir string, timeout time.Duration) (*Server, error) {
	apiserverBin, etcdBin, err := Binaries()
	if err != nil {
		return nil, err
	}
	s := &Server{dir: dir, Warnings: &Warnings{}}
	ok := false
	defer func() {
		if !ok {
			s.Stop()
		}
	}()
	deadline := time.Now().Add(timeout)

	etcdURL, err := s.startEtcd(etcdBin, deadline)
	if err != nil {
		return nil, err
	}

	token, err := randomHex(16)
	if err != nil {
		return nil, err
	}
	tokens := filepath.Join(dir, "tokens.csv")
	if err := os.WriteFile(tokens, []byte(token+",plinth-admin,1001,system:masters\n"), 0o600); err != nil {
		return nil, err
	}
	keyFile, pubFile, err := serviceAccountKeys(dir)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	certDir := filepath.Join(dir, "certs")
	args := []string{
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--endpoint-reconciler-type=none", // loopback advertise address: no kubernetes Endpoints
		"--secure-port=" + strconv.Itoa(port),
		"--cert-dir=" + certDir,
		"--etcd-servers=" + etcdURL,
		"--etcd-prefix=/plinth-" + token[:8],
		"--token-auth-file=" + tokens,
		"--authorization-mode=RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + pubFile,
		"--service-account-signing-key-file=" + keyFile,
		"--service-cluster-ip-range=10.96.0.0/16",
		"--enable-priority-and-fairness=false",
		"--profiling=false",
		"--v=0",
	}
	if err := s.spawn("kube-apiserver", apiserverBin, args...); err != nil {
		return nil, err
	}
	s.Config = &rest.Config{
		Host:                      "https://127.0.0.1:" + strconv.Itoa(port),
		BearerToken:               token,
		TLSClientConfig:           rest.TLSClientConfig{Insecure: true}, // self-signed serving cert in --cert-dir
		QPS:                       -1,
		Timeout:                   30 * time.Second,
		WarningHandlerWithContext: s.Warnings,
	}
	if err := s.waitReady(ctx, deadline); err != nil {
		return nil, err
	}
	ok = true
	return s, nil
}

func (s *Server) startEtcd(bin string, deadline time.Time) (string, error) {
	client, err := freePort()
	if err != nil {
		return "", err
	}
	peer, err := freePort()
	if err != nil {
		return "", err
	}
	clientURL := "http://127.0.0.1:" + strconv.Itoa(client)
	peerURL := "http://127.0.0.1:" + strconv.Itoa(peer)
	err = s.spawn("etcd", bin,
		"--name=plinth",
		"--data-dir="+filepath.Join(s.dir, "etcd"),
		"--listen-client-urls="+clientURL,
		"--advertise-client-urls="+clientURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=plinth="+peerURL,
		"--unsafe-no-fsync",
		"--log-level=warn",
	)
	if err != nil {
		return "", err
	}
	for time.Now().Before(deadline) {
		resp, err := http.Get(clientURL + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return clientURL, nil
			}
		}
		if err := s.exited(); err != nil {
			return "", err
		}
		time.Sleep(100 * time.Millisecond)
	}
	return "", fmt.Errorf("etcd not healthy in time:\n%s", s.logs[0])
}

func (s *Server) waitReady(ctx context.Context, deadline time.Time) error {
	cfg := rest.CopyConfig(s.Config)
	cfg.Timeout = 5 * time.Second
	client, err := rest.HTTPClientFor(cfg)
	if err != nil {
		return err
	}
	var last string
	for time.Now().Before(deadline) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, cfg.Host+"/readyz", nil)
		resp, err := client.Do(req)
		if err == nil {
			var b bytes.Buffer
			_, _ = b.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("readyz %d: %s", resp.StatusCode, b.String())
		} else {
			last = err.Error()
		}
		if err := s.exited(); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		time.Sleep(250 * time.Millisecond)
	}
	return fmt.Errorf("kube-apiserver not ready in time (%s); log:\n%s", last, tail(s.logs[len(s.logs)-1].String(), 4000))
}

// spawn starts a process with its output kept in memory.
func (s *Server) spawn(name, bin string, args ...string) error {
	log := &syncWriter{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout = log
	cmd.Stderr = log
	cmd.SysProcAttr = procAttr()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", name, err)
	}
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(done)
	}()
	s.procs = append(s.procs, cmd)
	s.logs = append(s.logs, log)
	s.done = append(s.done, done)
	return nil
}

// exited returns an error when a process has ended.
func (s *Server) exited() error {
	for i, d := range s.done {
		select {
		case <-d:
			return fmt.Errorf("%s exited: %v\n%s", filepath.Base(s.procs[i].Path), s.procs[i].ProcessState, tail(s.logs[i].String(), 4000))
		default:
		}
	}
	return nil
}

// Log returns the output of the API server so far (for failing tests).
func (s *Server) Log() string {
	if len(s.logs) == 0 {
		return ""
	}
	return s.logs[len(s.logs)-1].String()
}

// Stop ends the processes (API server first) and waits for them, at most
// ten seconds each.
func (s *Server) Stop() {
	for i := len(s.procs) - 1; i >= 0; i-- {
		p := s.procs[i]
		_ = syscall.Kill(-p.Process.Pid, syscall.SIGTERM)
		select {
		case <-s.done[i]:
		case <-time.After(10 * time.Second):
			_ = syscall.Kill(-p.Process.Pid, syscall.SIGKILL)
			<-s.done[i]
		}
	}
	s.procs, s.done = nil, nil
}

// Warnings records the warning headers the API server sends.
type Warnings struct {
	mu   sync.Mutex
	list []string
}

type warnCtxKey struct{}

// WithObject labels the warnings of requests made with ctx.
func WithObject(ctx context.Context, label string) context.Context {
	return context.WithValue(ctx, warnCtxKey{}, label)
}

// HandleWarningHeaderWithContext implements rest.WarningHandlerWithContext.
func (w *Warnings) HandleWarningHeaderWithContext(ctx context.Context, code int, agent, text string) {
	if code != 299 || text == "" {
		return
	}
	label, _ := ctx.Value(warnCtxKey{}).(string)
	w.mu.Lock()
	defer w.mu.Unlock()
	w.list = append(w.list, label+": "+text)
}

// Take returns the warnings recorded so far and forgets them.
func (w *Warnings) Take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	l := w.list
	w.list = nil
	return l
}

func serviceAccountKeys(dir string) (keyFile, pubFile string, err error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return "", "", err
	}
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return "", "", err
	}
	keyFile = filepath.Join(dir, "sa.key")
	pubFile = filepath.Join(dir, "sa.pub")
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}), 0o600); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(pubFile, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pub}), 0o644); err != nil {
		return "", "", err
	}
	return keyFile, pubFile, nil
}

// freePort asks the kernel for an unused loopback port.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

func randomHex(n int) (string, error) {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}

func tail(s string, n int) string {
	if len(s) > n {
		return "..." + s[len(s)-n:]
	}
	return s
}

// syncWriter is a process log safe to read while the process writes it.
type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}
