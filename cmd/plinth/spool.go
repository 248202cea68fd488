package main

import (
	"fmt"
	"io"
	"os"
)

// spool holds a report as it is rendered, so that nothing is written
// before the whole report is made. It writes to an unlinked temporary file
// (the page cache: a JSON report of 500 services is 27 MB, which in
// process memory costs ~7,000 fresh pages, and its copy to a pipe or file
// is then done by the kernel), and to memory chunks when there is no
// temporary directory or the file cannot take more.
type spool struct {
	f   *os.File
	n   int64 // bytes in f
	mem chunks
}

// newSpool opens the temporary file, in dir (os.TempDir() when empty);
// without one the spool is in memory.
func newSpool(dir string) *spool {
	s := &spool{}
	f, err := os.CreateTemp(dir, ".plinth-report-*")
	if err != nil {
		return s
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return s
	}
	s.f = f
	return s
}

func (s *spool) Write(p []byte) (int, error) {
	if s.f != nil {
		n, err := s.f.Write(p)
		s.n += int64(n)
		if err == nil {
			return n, nil
		}
		// A full or failing disk: go on in memory with what the file has.
		if err := s.toMemory(); err != nil {
			return n, err
		}
		p = p[n:]
		s.mem.Write(p)
		return n + len(p), nil
	}
	return s.mem.Write(p)
}

// toMemory moves what the file holds into memory chunks.
func (s *spool) toMemory() error {
	f := s.f
	s.f = nil
	defer f.Close()
	if _, err := io.Copy(&s.mem, io.NewSectionReader(f, 0, s.n)); err != nil {
		return fmt.Errorf("reading back the spooled report: %w", err)
	}
	return nil
}

// WriteTo writes what was spooled to w.
func (s *spool) WriteTo(w io.Writer) (int64, error) {
	if s.f == nil {
		return s.mem.WriteTo(w)
	}
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("rewinding the spooled report: %w", err)
	}
	return io.Copy(w, io.LimitReader(s.f, s.n))
}

// Close releases the temporary file (already unlinked).
func (s *spool) Close() error {
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}
