//go:build !linux

package desktop

// preferDarkTheme does nothing where the web view follows the system's
// appearance itself (macOS WKWebView, Windows WebView2).
func preferDarkTheme() {}
