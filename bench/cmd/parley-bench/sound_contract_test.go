package main

import (
	"encoding/json"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/parleyhq/parley/app/engine"
	"github.com/parleyhq/parley/app/engine/headless"
)

// The sound bench reads a headless peer's --stats-json into its own
// soundHeadless; a field renamed on either side must fail here, not read
// as zero in a benchmark (a click timed from 1970).
func TestSoundHeadlessReadsTheHeadlessResult(t *testing.T) {
	want := headless.Result{Connected: true, MediaFilesAtMs: 1700000000123, MicCapturedAtMs: 1700000000140.5,
		Last: engine.Stats{AudioPacketsReceived: 7, AudioRecovered: 3, AudioConcealed: 2}}
	b, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	var got soundHeadless
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if !got.Connected || got.MediaFilesAtMs != want.MediaFilesAtMs || got.MicCapturedAtMs != want.MicCapturedAtMs ||
		got.Last.AudioPacketsReceived != 7 || got.Last.AudioRecovered != 3 || got.Last.AudioConcealed != 2 {
		t.Fatalf("read %+v from %s", got, b)
	}
}

// The page driver's result (PageResult in bench/web/sound.mjs) has every
// field soundPageResult reads, and audioStatsFrom in sound-page.mjs every
// audio stat: a name changed in the JavaScript fails here.
func TestSoundPageResultMatchesTheDriver(t *testing.T) {
	driver, err := os.ReadFile("../../web/sound.mjs")
	if err != nil {
		t.Fatal(err)
	}
	page, err := os.ReadFile("../../web/sound-page.mjs")
	if err != nil {
		t.Fatal(err)
	}
	typedef := regexp.MustCompile(`(?s)@typedef \{object\} PageResult\n(.*?)\*/`).Find(driver)
	if typedef == nil {
		t.Fatal("sound.mjs has no PageResult typedef")
	}
	stats := regexp.MustCompile(`(?s)export function audioStatsFrom\(.*?\n\}`).Find(page)
	if stats == nil {
		t.Fatal("sound-page.mjs has no audioStatsFrom")
	}
	for _, f := range reflect.VisibleFields(reflect.TypeOf(soundPageResult{})) {
		name := strings.Split(f.Tag.Get("json"), ",")[0]
		if !regexp.MustCompile(`@property \{[^}]*\} \[?` + name + `\]?\s`).Match(typedef) {
			t.Errorf("sound.mjs's PageResult has no %s", name)
		}
	}
	st, _ := reflect.TypeOf(soundPageResult{}).FieldByName("AudioStats")
	for _, f := range reflect.VisibleFields(st.Type) {
		if name := f.Tag.Get("json"); !strings.Contains(string(stats), name+":") {
			t.Errorf("audioStatsFrom gives no %s", name)
		}
	}
}
