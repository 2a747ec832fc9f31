// Package bridge carries decoded and preview frames from the Go engine into
// the desktop window's web view.
//
// Why a WebSocket: the web view (WebKitGTK, WebView2, WKWebView) has no
// RTCPeerConnection and no camera, so the engine decodes in Go and the page
// only draws. Raw I420 over a loopback WebSocket keeps a 720p call's full
// frame rate at low latency in a real Wails window, where Wails events with
// base64 frames drop most frames and add hundreds of milliseconds. Wails'
// own asset server answers WebSocket upgrades with 501, so the bridge runs
// its own server on 127.0.0.1. Measured: docs/benchmarks.md, "Figures behind
// the code" (Frame bridge transport).
//
// Why newest-frame-wins: a picture that is late is worth nothing once a newer
// one exists. Each connection keeps at most one pending frame per stream; a
// frame arriving while the previous one is still being written replaces the
// pending one and counts as dropped. Latency therefore never builds up behind
// a slow page.
//
// Security: the server listens on 127.0.0.1 only, on a random port, and wants
// a random per-run token (128 bits from crypto/rand, compared in constant
// time) in the URL query, so other local users and web pages that guess the
// port cannot watch the call. It also checks the Origin header against the
// web view's origins (wails://wails, http://wails.localhost and the dev
// server), so a page in the user's browser cannot connect with a leaked URL.
//
// # Wire format
//
// This is the one description of the format; docs/architecture.md and the
// page's parser (parseFrame in frontend/js/framestream.js) point here, and
// a test (framestream_contract_test.go) holds the parser to Header's
// writer.
//
// Every frame is one binary WebSocket message: a 32-byte header followed by
// the planes. All integers are little-endian.
//
//	offset       size  field
//	0            2     magic "PF" (0x50 0x46)
//	2            1     version (1)
//	3            1     stream (1 = remote, 2 = local; frames.Stream)
//	4            1     format (1 = I420)
//	5            3     reserved, zero
//	8            4     sequence number (uint32, per stream, counts accepted frames)
//	12           2     width in pixels (uint16, 1…MaxDimension)
//	14           2     height in pixels (uint16, 1…MaxDimension)
//	16           8     capture time, µs since the Unix epoch (int64; 0 = unknown)
//	24           8     send time, µs since the Unix epoch (int64; when this page's write started)
//	32           w*h   Y plane, tightly packed
//	32+w*h       cw*ch U plane, cw = (w+1)/2, ch = (h+1)/2
//	32+w*h+cw*ch cw*ch V plane
//
// The message is exactly 32 + w*h + 2*cw*ch bytes long. A reader rejects
// anything else, and any other magic, version, stream or format, or
// reserved bytes that are not zero: a new layout gets a new version.
// DecodeHeader (Go) and parseFrame (the page) apply the same checks.
//
// A gap in sequence numbers means the bridge dropped frames for this page,
// or that the page showed no pane of the stream for a while.
//
// # What the page sends
//
// Text messages, one per stream whose display changed (View):
//
//	{"stream":2,"width":282,"height":159}
//
// is the size in device pixels at which the page's largest pane of the
// stream shows the picture; 0×0 means no pane shows it. Why: a WebKit page
// without a GPU runs its shader on the CPU, and a frame the size of its
// canvas can be drawn without filtering and uploaded in fewer bytes; the
// corner preview of a 720p camera needs a twentieth of them. The bridge
// scales the frame to that size (never up: a larger pane gets the frame as
// it is), so the picture is as sharp as the page can show it, and sends
// nothing for a stream no pane shows. A page
// that sends nothing gets full-size frames of both streams. Anything else
// closes the connection with status 1003 and the reason.
// The page's latency is its clock minus the capture time; both clocks are
// the same machine's.
package bridge
