package main

import (
	"fmt"
	"io"
	"os"
)

// spool holds a report of a format that does not stream as it is
// rendered, so that nothing is written before the whole report is made.
// The first spoolMemory bytes go to memory chunks: memory the scan has
// just freed (its collection runs before the report is written), so a
// report touches no fresh page where a file would take as many fresh pages
// of page cache and a copy back (the largest of 500 services, JUnit, is
// 7 MB). Past that, everything moves to an unlinked temporary file (a
// report of thousands of services is not held in the heap), and back to
// memory if the file cannot take more.
type spool struct {
	dir    string // of the temporary file: os.TempDir() when empty
	memMax int    // bytes held in memory before moving to a file
	f      *os.File
	n      int64 // bytes in f
	mem    chunks
	noFile bool // a temporary file could not be made or failed
}

// spoolMemory is how much of a report a spool holds in memory.
const spoolMemory = 64 << 20

// newSpool returns an empty spool whose temporary file, if it needs one,
// is made in dir.
func newSpool(dir string) *spool { return &spool{dir: dir, memMax: spoolMemory} }

func (s *spool) Write(p []byte) (int, error) {
	if s.f == nil && !s.noFile && s.mem.size+len(p) > s.memMax {
		s.toFile()
	}
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

// toFile moves what memory holds into a new unlinked temporary file; if
// there is none to be had, everything stays in memory.
func (s *spool) toFile() {
	s.noFile = true
	f, err := os.CreateTemp(s.dir, ".plinth-report-*")
	if err != nil {
		return
	}
	if err := os.Remove(f.Name()); err != nil {
		f.Close()
		return
	}
	n, err := s.mem.WriteTo(f)
	if err != nil {
		f.Close()
		return
	}
	s.f, s.n, s.mem, s.noFile = f, n, chunks{}, false
}

// toMemory moves what the file holds into memory chunks.
func (s *spool) toMemory() error {
	f := s.f
	s.f, s.noFile = nil, true
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
