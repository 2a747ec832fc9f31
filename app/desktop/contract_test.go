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
	backend, err := os.ReadFile("../../frontend/js/backend.js")
	if err != nil {
		t.Fatal(err)
	}
	union := regexp.MustCompile(`(?s)@typedef \{Object\} SignalingEvent\s*\n\s*\* @property \{([^}]*)\} status`).FindSubmatch(backend)
	if union == nil {
		t.Fatal("backend.js has no SignalingEvent typedef with a status union")
	}
	var page []string
	for _, m := range regexp.MustCompile(`'([a-z-]+)'`).FindAllSubmatch(union[1], -1) {
		page = append(page, string(m[1]))
	}
	var goSide []string
	for _, s := range protocol.LinkStatuses {
		goSide = append(goSide, string(s))
	}
	slices.Sort(page)
	slices.Sort(goSide)
	if !slices.Equal(page, goSide) {
		t.Errorf("backend.js SignalingEvent.status %v, Go protocol.LinkStatuses %v", page, goSide)
	}
}

// The page's Events typedef names exactly the events the backend sends it.
func TestPageKnowsEveryEvent(t *testing.T) {
	src, err := os.ReadFile("../../frontend/js/backend.js")
	if err != nil {
		t.Fatal(err)
	}
	block := regexp.MustCompile(`(?s)\* @typedef \{Object\} Events\n(.*?)\*/`).FindSubmatch(src)
	if block == nil {
		t.Fatal("backend.js has no Events typedef")
	}
	var page []string
	for _, m := range regexp.MustCompile(`@property \{\w+\} ([\w-]+)`).FindAllSubmatch(block[1], -1) {
		page = append(page, string(m[1]))
	}
	goSide := backend.PageEvents()
	slices.Sort(page)
	slices.Sort(goSide)
	if !slices.Equal(page, goSide) {
		t.Errorf("backend.js Events %v, Go backend.PageEvents %v", page, goSide)
	}
}
