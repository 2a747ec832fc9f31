package desktop

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/godbus/dbus/v5"
	"github.com/wailsapp/wails/v2/pkg/options"
)

// HandOver gives args to the window already running with instanceID, and
// reports whether it did; the caller then exits without starting anything.
//
// Wails' own SingleInstanceLock does the same, but only after OnStartup has
// begun in another goroutine: a second start would briefly run its own
// built-in server and advertise it on the LAN before exiting. So the
// second start calls the first window's Wails handler itself, first thing.
// The bus name, path and method are the ones Wails v2.16's
// internal/frontend/desktop/linux/single_instance.go exports; the
// desktop-second-start end-to-end test catches a change.
func HandOver(instanceID string, args []string) bool {
	if instanceID == "" || os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		return false
	}
	conn, err := dbus.ConnectSessionBus()
	if err != nil {
		return false
	}
	defer conn.Close()
	id := "wails_app_" + strings.NewReplacer("-", "_", ".", "_").Replace(instanceID)
	name, path := "org."+id+".SingleInstance", dbus.ObjectPath("/org/"+id+"/SingleInstance")
	var owned bool
	if err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&owned); err != nil || !owned {
		return false
	}
	data := options.SecondInstanceData{Args: args}
	data.WorkingDirectory, _ = os.Getwd()
	msg, err := json.Marshal(data)
	if err != nil {
		return false
	}
	return conn.Object(name, path).Call(name+".SendMessage", 0, string(msg)).Err == nil
}
