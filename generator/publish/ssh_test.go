package publish

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/binary"
	"encoding/pem"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/ssh"
	"golang.org/x/crypto/ssh/knownhosts"
)

// startSSH serves the repositories under base over SSH on loopback: a Go SSH
// server (golang.org/x/crypto/ssh) that accepts only the public key allowed
// and runs the real git-upload-pack / git-receive-pack for each exec request.
// It returns the ssh:// URL prefix and writes a known_hosts file naming the
// server's host key to knownHosts.
func startSSH(t *testing.T, base string, allowed ssh.PublicKey, knownHosts string) string {
	t.Helper()
	needGit(t)
	_, hostPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	hostSigner, err := ssh.NewSignerFromKey(hostPriv)
	if err != nil {
		t.Fatal(err)
	}
	cfg := &ssh.ServerConfig{
		PublicKeyCallback: func(_ ssh.ConnMetadata, key ssh.PublicKey) (*ssh.Permissions, error) {
			if bytes.Equal(key.Marshal(), allowed.Marshal()) {
				return nil, nil
			}
			return nil, errors.New("key not allowed")
		},
	}
	cfg.AddHostKey(hostSigner)
	home := t.TempDir()
	addr := serveLoopback(t, func(conn net.Conn) { serveSSH(conn, cfg, base, home) })
	line := knownhosts.Line([]string{knownhosts.Normalize(addr)}, hostSigner.PublicKey())
	if err := os.WriteFile(knownHosts, []byte(line+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return "ssh://git@" + addr
}

func serveSSH(conn net.Conn, cfg *ssh.ServerConfig, base, home string) {
	sc, chans, reqs, err := ssh.NewServerConn(conn, cfg)
	if err != nil {
		return
	}
	defer sc.Close()
	go ssh.DiscardRequests(reqs)
	for nc := range chans {
		if nc.ChannelType() != "session" {
			_ = nc.Reject(ssh.UnknownChannelType, "session only")
			continue
		}
		ch, requests, err := nc.Accept()
		if err != nil {
			return
		}
		go func() {
			defer ch.Close()
			for req := range requests {
				if req.Type != "exec" || len(req.Payload) < 4 {
					_ = req.Reply(false, nil)
					continue
				}
				n := binary.BigEndian.Uint32(req.Payload)
				command := string(req.Payload[4 : 4+n])
				service, arg, _ := strings.Cut(command, " ")
				if service != "git-upload-pack" && service != "git-receive-pack" {
					_ = req.Reply(false, nil)
					continue
				}
				_ = req.Reply(true, nil)
				repo := filepath.Join(base, filepath.Clean("/"+strings.Trim(arg, "'")))
				cmd := exec.Command("git", strings.TrimPrefix(service, "git-"), repo)
				cmd.Env = gitEnv(home)
				cmd.Stdin, cmd.Stdout, cmd.Stderr = ch, ch, ch.Stderr()
				status := uint32(0)
				if err := cmd.Run(); err != nil {
					status = 1
				}
				_ = ch.CloseWrite()
				_, _ = ch.SendRequest("exit-status", false, binary.BigEndian.AppendUint32(nil, status))
				return
			}
		}()
	}
}

// writeKey writes an OpenSSH private key file, encrypted when passphrase is set.
func writeKey(t *testing.T, dir, name, passphrase string) (string, ssh.PublicKey) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	var block *pem.Block
	if passphrase == "" {
		block, err = ssh.MarshalPrivateKey(priv, "")
	} else {
		block, err = ssh.MarshalPrivateKeyWithPassphrase(priv, "", []byte(passphrase))
	}
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	sshPub, err := ssh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return path, sshPub
}

func TestPublishSSH(t *testing.T) {
	needGit(t)
	keys := t.TempDir()
	key, pub := writeKey(t, keys, "id_plinth", "")
	encKey, encPub := writeKey(t, keys, "id_enc", "correct-horse-9")
	other, _ := writeKey(t, keys, "id_other", "")
	base := t.TempDir()
	bare := newBare(t, base, "gitops.git")
	known := filepath.Join(keys, "known_hosts")
	url := startSSH(t, base, pub, known) + "/gitops.git"
	t.Setenv("SSH_AUTH_SOCK", "") // no agent: only the key file may authenticate
	t.Setenv("SSH_KNOWN_HOSTS", known)
	ctx := context.Background()

	res, err := Publish(ctx, output(baseFiles), testOpts(url, map[string]string{EnvSSHKey: key}))
	if err != nil {
		t.Fatalf("publish over ssh with a key file: %v", err)
	}
	if got := git(t, bare, "rev-parse", "main"); got != res.Commit {
		t.Fatalf("main = %s, want %s", got, res.Commit)
	}
	fsck(t, bare)

	encURL := startSSH(t, base, encPub, filepath.Join(keys, "known_hosts_enc")) + "/gitops.git"
	t.Setenv("SSH_KNOWN_HOSTS", filepath.Join(keys, "known_hosts_enc"))
	next := with(baseFiles, map[string]string{"apps/dev/team-a/svc2.yaml": "kind: Deployment\nname: svc2\nreplicas: 4\n"})
	if _, err := Publish(ctx, output(next), testOpts(encURL, map[string]string{EnvSSHKey: encKey, EnvSSHPassphrase: "correct-horse-9"})); err != nil {
		t.Fatalf("publish over ssh with an encrypted key: %v", err)
	}

	for _, tc := range []struct {
		name  string
		url   string
		env   map[string]string
		kind  error
		want  string
		known string
	}{
		{name: "key not allowed", url: url, env: map[string]string{EnvSSHKey: other}, kind: ErrAuth, known: known},
		{name: "wrong passphrase", url: encURL, env: map[string]string{EnvSSHKey: encKey, EnvSSHPassphrase: "wrong-horse-1"},
			want: "cannot load SSH key", known: filepath.Join(keys, "known_hosts_enc")},
		{name: "unknown host key", url: url, env: map[string]string{EnvSSHKey: key}, kind: ErrTrust, want: "host key", known: filepath.Join(keys, "known_hosts_enc")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("SSH_KNOWN_HOSTS", tc.known)
			before := git(t, bare, "rev-parse", "main")
			_, err := Publish(ctx, output(baseFiles), testOpts(tc.url, tc.env))
			checkFailure(t, err, tc.kind, tc.want, "correct-horse-9", "wrong-horse-1")
			if git(t, bare, "rev-parse", "main") != before {
				t.Error("repository changed on failure")
			}
		})
	}
}
