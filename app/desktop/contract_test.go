package desktop

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"testing"
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
