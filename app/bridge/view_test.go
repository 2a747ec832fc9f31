package bridge

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/parleyhq/parley/app/frames"
	"github.com/parleyhq/parley/app/media/yuv"
)

func TestParseView(t *testing.T) {
	for _, c := range []struct {
		msg  string
		want View
	}{
		{`{"stream":1,"width":1280,"height":720}`, View{frames.Remote, 1280, 720}},
		{`{"stream":2,"width":282,"height":159}`, View{frames.Local, 282, 159}},
		{`{"stream":2,"width":0,"height":0}`, View{frames.Local, 0, 0}},
	} {
		got, err := ParseView([]byte(c.msg))
		if err != nil || got != c.want {
			t.Errorf("ParseView(%s) = %+v, %v; want %+v", c.msg, got, err, c.want)
		}
	}
	for _, msg := range []string{
		``, `{`, `[]`, `{"stream":1}`, `{"width":1,"height":1}`, `{"stream":1,"width":1}`,
		`{"stream":3,"width":1,"height":1}`, `{"stream":0,"width":1,"height":1}`, `{"stream":-1,"width":1,"height":1}`,
		`{"stream":257,"width":1,"height":1}`, `{"stream":1,"width":-1,"height":1}`, `{"stream":1,"width":0,"height":5}`,
		`{"stream":1,"width":9000,"height":1}`, `{"stream":1,"width":1.5,"height":1}`, `{"stream":1,"width":"1","height":1}`,
		`{"stream":1,"width":1,"height":1,"extra":true}`, `{"stream":1,"width":1,"height":1}{}`,
		`{"stream":1,"width":1,"height":1,"pad":"` + string(make([]byte, MaxViewMessage)) + `"}`,
	} {
		_, err := ParseView([]byte(msg))
		var ve *ViewError
		if !errors.As(err, &ve) {
			t.Errorf("ParseView(%.40q) = %v, want a *ViewError", msg, err)
		}
	}
}

func FuzzParseView(f *testing.F) {
	f.Add([]byte(`{"stream":2,"width":282,"height":159}`))
	f.Add([]byte(`{"stream":1,"width":0,"height":0}`))
	f.Fuzz(func(t *testing.T, msg []byte) {
		v, err := ParseView(msg)
		if err != nil {
			return
		}
		if !validStream(v.Stream) || v.Width < 0 || v.Height < 0 || v.Width > MaxDimension || v.Height > MaxDimension || (v.Width == 0) != (v.Height == 0) {
			t.Fatalf("ParseView(%q) accepted %+v", msg, v)
		}
	})
}

func sendView(t *testing.T, c *websocket.Conn, msg string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(msg)); err != nil {
		t.Fatal(err)
	}
}

// feed writes f to both streams every few milliseconds until the test
// ends, as the engine would: a view message takes effect asynchronously.
func feed(t *testing.T, b *Bridge, f *frames.Frame) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	t.Cleanup(func() { cancel(); <-done })
	go func() {
		defer close(done)
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				b.WriteFrame(frames.Remote, f)
				b.WriteFrame(frames.Local, f)
			}
		}
	}()
}

// readUntil reads frames until one of stream s has the wanted size, and
// returns it.
func readUntil(t *testing.T, ctx context.Context, c *websocket.Conn, s frames.Stream, w, h int) (Header, []byte) {
	t.Helper()
	for {
		hdr, body := readFrame(t, ctx, c)
		if hdr.Stream == s && hdr.Width == w && hdr.Height == h {
			return hdr, body
		}
	}
}

func TestViewScalesAndStopsAStream(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	f := testFrame(1280, 720, 9)
	feed(t, b, f)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	sendView(t, c, `{"stream":2,"width":282,"height":159}`)
	hdr, body := readUntil(t, ctx, c, frames.Local, 282, 159)
	want := make([]byte, hdr.PayloadSize())
	if err := yuv.Scale(packed(want, 282, 159), f); err != nil {
		t.Fatal(err)
	}
	if string(body) != string(want) {
		t.Fatal("the scaled planes differ from yuv.Scale's")
	}
	// The remote stream is untouched by the local one's view.
	readUntil(t, ctx, c, frames.Remote, 1280, 720)

	// 0×0: the page shows no pane of the stream, so nothing is sent.
	// Once the view applies, only remote frames arrive: 30 in a row, where
	// both streams alternate while both flow.
	sendView(t, c, `{"stream":2,"width":0,"height":0}`)
	for run := 0; run < 30; {
		if hdr, _ := readFrame(t, ctx, c); hdr.Stream == frames.Remote {
			run++
		} else {
			run = 0
		}
	}

	// Shown again at full size.
	sendView(t, c, `{"stream":2,"width":1280,"height":720}`)
	readUntil(t, ctx, c, frames.Local, 1280, 720)
}

func TestBadViewClosesWithReason(t *testing.T) {
	b := newTestBridge(t)
	c := connect(t, b)
	sendView(t, c, `{"stream":7,"width":1,"height":1}`)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, _, err := c.Read(ctx)
	if got := websocket.CloseStatus(err); got != websocket.StatusUnsupportedData {
		t.Fatalf("read after a bad view: %v (status %d), want close 1003", err, got)
	}
}
