package desktop

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"testing"

	"github.com/parleyhq/parley/app/backend"
	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/signaling/protocol"
)

// The page's list of bound methods (frontend/js/backend.js) names exactly
// the methods this adapter binds: a method added on one side only fails
// here, not in a user's window.
func TestBackendJSListsTheBoundMethods(t *testing.T) {
	src, err := os.ReadFile("../../frontend/js/backend.js")
	if err != nil {
		t.Fatal(err)
	}
	list := regexp.MustCompile(`(?s)export const methods = /\*\* @type \{const\} \*/ \(\[(.*?)\]\);`).FindSubmatch(src)
	if list == nil {
		t.Fatal("backend.js has no methods list")
	}
	var js []string
	for _, m := range regexp.MustCompile(`'(\w+)'`).FindAllSubmatch(list[1], -1) {
		js = append(js, string(m[1]))
	}
	var goSide []string
	typ := reflect.TypeOf(&App{})
	for i := range typ.NumMethod() {
		goSide = append(goSide, typ.Method(i).Name)
	}
	slices.Sort(js)
	slices.Sort(goSide)
	if !slices.Equal(js, goSide) {
		t.Fatalf("backend.js lists %v;\nthe adapter binds %v", js, goSide)
	}
}

// The page knows every reason a call can end with, and has a sentence for
// each: a reason the engine gains shows here before a user sees the
// catch-all "Call ended".
func TestPageKnowsEveryEndReason(t *testing.T) {
	backend, err := os.ReadFile("../../frontend/js/backend.js")
	if err != nil {
		t.Fatal(err)
	}
	union := regexp.MustCompile(`@typedef \{([^}]*)\} EndReason`).FindSubmatch(backend)
	if union == nil {
		t.Fatal("backend.js has no EndReason typedef")
	}
	// The sentences are shared with the browser client.
	endTextJS, err := os.ReadFile("../../web/shared/endtext.js")
	if err != nil {
		t.Fatal(err)
	}
	endText := regexp.MustCompile(`(?s)export function endText\(reason, peer, incoming\) \{(.*?)\n\}`).FindSubmatch(endTextJS)
	if endText == nil {
		t.Fatal("endtext.js has no endText")
	}
	quoted := func(b []byte, re string) []string {
		var out []string
		for _, m := range regexp.MustCompile(re).FindAllSubmatch(b, -1) {
			out = append(out, string(m[1]))
		}
		slices.Sort(out)
		return out
	}
	want := slices.Sorted(slices.Values(engine.EndReasons))
	if js := quoted(union[1], `'([a-z-]+)'`); !slices.Equal(js, want) {
		t.Errorf("backend.js's EndReason is %v;\nthe engine ends calls with %v", js, want)
	}
	if cases := quoted(endText[1], `case '([a-z-]+)':`); !slices.Equal(cases, want) {
		t.Errorf("endtext.js's endText has sentences for %v;\nthe engine ends calls with %v", cases, want)
	}
}

// The page's SignalingEvent names exactly the link statuses Go reports.
func TestPageKnowsEveryLinkStatus(t *testing.T) {
	page := backendJSList(t, `(?s)@typedef \{Object\} SignalingEvent\s*\n\s*\* @property \{([^}]*)\} status`, `'([a-z-]+)'`)
	var goSide []string
	for _, s := range protocol.LinkStatuses {
		goSide = append(goSide, string(s))
	}
	sameSet(t, "backend.js SignalingEvent.status", page, "Go protocol.LinkStatuses", goSide)
}

// The page's Events typedef names exactly the events the backend sends it.
func TestPageKnowsEveryEvent(t *testing.T) {
	page := backendJSList(t, `(?s)\* @typedef \{Object\} Events\n(.*?)\*/`, `@property \{\w+\} ([\w-]+)`)
	sameSet(t, "backend.js Events", page, "Go backend.PageEvents", backend.PageEvents())
}

// backendJSList finds block in frontend/js/backend.js and returns what
// item's first group matches in it.
func backendJSList(t *testing.T, block, item string) []string {
	t.Helper()
	src, err := os.ReadFile("../../frontend/js/backend.js")
	if err != nil {
		t.Fatal(err)
	}
	b := regexp.MustCompile(block).FindSubmatch(src)
	if b == nil {
		t.Fatalf("backend.js has nothing matching %s", block)
	}
	var out []string
	for _, m := range regexp.MustCompile(item).FindAllSubmatch(b[1], -1) {
		out = append(out, string(m[1]))
	}
	return out
}

// sameSet fails unless a and b hold the same names, in any order.
func sameSet(t *testing.T, aName string, a []string, bName string, b []string) {
	t.Helper()
	a, b = slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	if !slices.Equal(a, b) {
		t.Errorf("%s %v, %s %v", aName, a, bName, b)
	}
}
