package main

import (
	"fmt"
	"net"
	"net/http"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// signalServer is a parley-signal child process on a free loopback port.
type signalServer struct {
	cmd    *exec.Cmd
	port   int
	exited chan struct{}
}

// httpURL is where the browser client is served.
func (s *signalServer) httpURL() string { return "http://127.0.0.1:" + strconv.Itoa(s.port) + "/" }

// wsURL is the signaling socket.
func (s *signalServer) wsURL() string { return "ws://127.0.0.1:" + strconv.Itoa(s.port) + "/" }

// stop ends the server (SIGTERM, then SIGKILL after 5 s) and waits for it.
func (s *signalServer) stop() {
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
	case <-time.After(5 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
}

// startSignal starts bin/parley-signal and waits until it serves HTTP. A
// port found free can be taken before the server binds it, so it retries.
func startSignal(bin string) (*signalServer, error) {
	var lastErr error
	for range 3 {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		cmd := exec.Command(bin, "--addr", "127.0.0.1:"+strconv.Itoa(port))
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		s := &signalServer{cmd: cmd, port: port, exited: make(chan struct{})}
		go func() { _ = cmd.Wait(); close(s.exited) }()
		lastErr = s.waitServing(15 * time.Second)
		if lastErr == nil {
			return s, nil
		}
		s.stop()
	}
	return nil, lastErr
}

func (s *signalServer) waitServing(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case <-s.exited:
			return fmt.Errorf("parley-signal exited at start on port %d", s.port)
		case <-time.After(50 * time.Millisecond):
		}
		if resp, err := http.Get(s.httpURL()); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("parley-signal did not serve on port %d within %s", s.port, limit)
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
