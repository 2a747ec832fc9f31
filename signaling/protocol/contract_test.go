package protocol

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The browser client's copy of the protocol (signaling/web/static/js/
// protocol.js) says what this package says: the Message fields, the
// limits and close code, the hang-up reasons, and a sentence for every
// error code. A field or code added here and not there fails here, not as
// a silent drop or a bare code in a user's browser.
func TestBrowserClientMirrorsTheProtocol(t *testing.T) {
	b, err := os.ReadFile("../web/static/js/protocol.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)

	typedef := regexp.MustCompile(`(?s)@typedef \{object\} Message\n(.*?)\*/`).FindStringSubmatch(src)
	if typedef == nil {
		t.Fatal("protocol.js has no Message typedef")
	}
	var js []string
	for _, m := range regexp.MustCompile(`@property \{[^}]*\} \[?(\w+)\]?`).FindAllStringSubmatch(typedef[1], -1) {
		js = append(js, m[1])
	}
	var goSide []string
	typ := reflect.TypeOf(Message{})
	for i := range typ.NumField() {
		if tag := strings.Split(typ.Field(i).Tag.Get("json"), ",")[0]; tag != "" && tag != "-" {
			goSide = append(goSide, tag)
		}
	}
	slices.Sort(js)
	slices.Sort(goSide)
	if !slices.Equal(js, goSide) {
		t.Errorf("protocol.js's Message has %v;\nprotocol.Message has %v", js, goSide)
	}

	for name, want := range map[string]int{"CLOSE_REPLACED": CloseReplaced, "MAX_NAME": MaxNameRunes, "MAX_TEXT": MaxTextRunes} {
		m := regexp.MustCompile(`export const ` + name + ` = (\d+);`).FindStringSubmatch(src)
		if m == nil {
			t.Errorf("protocol.js has no %s", name)
			continue
		}
		if got, _ := strconv.Atoi(m[1]); got != want {
			t.Errorf("protocol.js's %s is %d, the protocol's %d", name, got, want)
		}
	}

	reasons := regexp.MustCompile(`(?s)export const Reason = Object\.freeze\(\{(.*?)\}\);`).FindStringSubmatch(src)
	if reasons == nil {
		t.Fatal("protocol.js has no Reason")
	}
	for _, r := range []string{ReasonHangUp, ReasonDeclined, ReasonBusy, ReasonDisconnected, ReasonFailed} {
		if !strings.Contains(reasons[1], "'"+r+"'") {
			t.Errorf("protocol.js's Reason lacks %q", r)
		}
	}

	serverErrorText := regexp.MustCompile(`(?s)export function serverErrorText\(m\) \{(.*?)\n\}`).FindStringSubmatch(src)
	if serverErrorText == nil {
		t.Fatal("protocol.js has no serverErrorText")
	}
	for _, c := range ErrorCodes {
		if !strings.Contains(serverErrorText[1], "case '"+string(c)+"':") {
			t.Errorf("protocol.js's serverErrorText has no sentence for %q", c)
		}
	}
}
