package ptytest

import (
	"os"
	"strconv"
	"syscall"
	"testing"
	"unsafe"
)

// Open opens a pseudo-terminal (Linux /dev/ptmx, pts(4)) whose screen is
// cols columns wide: what is written to master is typed at slave, and what
// is written to slave is read from master. Whoever reads the slave side's
// output must drain master, or drawing blocks once its buffer is full. Both
// are closed when the test ends; without pseudo-terminals the test is
// skipped.
func Open(t testing.TB, cols int) (master, slave *os.File) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	var unlock int32
	if err := ioctl(master, syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); err != nil {
		t.Fatal(err)
	}
	var n uint32
	if err := ioctl(master, syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); err != nil {
		t.Fatal(err)
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(int(n)), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { slave.Close() })
	SetColumns(t, slave, cols)
	return master, slave
}

// SetColumns sets the width the terminal tty reports (TIOCSWINSZ), with 0
// rows, as a terminal that reports nothing of its height.
func SetColumns(t testing.TB, tty *os.File, cols int) {
	t.Helper()
	ws := struct{ rows, cols, xpixel, ypixel uint16 }{cols: uint16(cols)}
	if err := ioctl(tty, syscall.TIOCSWINSZ, uintptr(unsafe.Pointer(&ws))); err != nil {
		t.Fatal(err)
	}
}

func ioctl(f *os.File, req, arg uintptr) error {
	conn, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var errno syscall.Errno
	if err := conn.Control(func(fd uintptr) {
		_, _, errno = syscall.Syscall(syscall.SYS_IOCTL, fd, req, arg)
	}); err != nil {
		return err
	}
	if errno != 0 {
		return errno
	}
	return nil
}
