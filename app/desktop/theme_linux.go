package desktop

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"time"
)

// preferDarkTheme makes the window dark unless the desktop asks for light.
// WebKitGTK answers the page's prefers-color-scheme from the GTK theme, and
// GTK 3 ignores the desktop-wide colour-scheme setting, so without this the
// page is light on most desktops whatever the user chose. Parley is dark by
// default; a user who set GTK_THEME, or whose desktop prefers light, keeps
// their choice.
func preferDarkTheme() {
	if os.Getenv("GTK_THEME") != "" || desktopPrefersLight() {
		return
	}
	_ = os.Setenv("GTK_THEME", "Adwaita:dark")
}

// desktopPrefersLight reads GNOME's colour-scheme setting (also honoured by
// other desktops through the settings portal). "prefer-light" is an
// explicit choice; "default" and a missing gsettings are not.
func desktopPrefersLight() bool {
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "gsettings", "get", "org.gnome.desktop.interface", "color-scheme").Output()
	if err != nil {
		return false
	}
	return strings.Contains(string(out), "prefer-light")
}
