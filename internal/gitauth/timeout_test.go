package gitauth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestDo(t *testing.T) {
	stuck := make(chan struct{})
	t.Cleanup(func() { close(stuck) })
	failure := errors.New("refused")
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		op      func(context.Context) error
		timeout bool  // the error matches ErrTimeout
		want    error // else the error is this one
	}{
		{name: "done", ctx: context.Background(), op: func(context.Context) error { return nil }},
		{name: "failed", ctx: context.Background(), op: func(context.Context) error { return failure }, want: failure},
		{name: "honours the deadline", ctx: context.Background(), timeout: true,
			op: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }},
		{name: "ignores the deadline", ctx: context.Background(), timeout: true,
			op: func(context.Context) error { <-stuck; return nil }},
		{name: "interrupted", ctx: cancelled, want: context.Canceled,
			op: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := &Remote{Timeout: 50 * time.Millisecond}
			err := r.Do(tc.ctx, tc.op)
			switch {
			case tc.timeout:
				if !errors.Is(err, ErrTimeout) || !strings.Contains(err.Error(), "no answer within 50ms") || !strings.Contains(err.Error(), EnvTimeout) {
					t.Fatalf("want a timeout naming the bound and %s, got %v", EnvTimeout, err)
				}
			case !errors.Is(err, tc.want) || errors.Is(err, ErrTimeout):
				t.Fatalf("want %v, got %v", tc.want, err)
			}
		})
	}
}

func TestTimeoutFromEnvironment(t *testing.T) {
	tests := []struct {
		env     string
		want    time.Duration
		wantErr bool
	}{
		{env: "", want: DefaultTimeout},
		{env: "90s", want: 90 * time.Second},
		{env: " 5m ", want: 5 * time.Minute},
		{env: "0s", wantErr: true},
		{env: "-1m", wantErr: true},
		{env: "soon", wantErr: true},
	}
	for _, tc := range tests {
		r, err := Resolve("git://example.com/r.git", func(k string) string {
			if k == EnvTimeout {
				return tc.env
			}
			return ""
		})
		if tc.wantErr {
			if err == nil || !strings.Contains(err.Error(), EnvTimeout) {
				t.Errorf("%s=%q: want an error naming the variable, got %v", EnvTimeout, tc.env, err)
			}
			continue
		}
		if err != nil || r.Timeout != tc.want {
			t.Errorf("%s=%q: got %v, %v; want %v", EnvTimeout, tc.env, r, err, tc.want)
		}
	}
}
