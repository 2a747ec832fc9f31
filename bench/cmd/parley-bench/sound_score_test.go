package main

import (
	"testing"

	"github.com/parleyhq/parley/app/media/wav"
	"github.com/parleyhq/parley/internal/testspeech"
)

// Under loss the ends of a call start their timelines up to seconds
// apart (speechLead): the receiver's recording may begin after the
// sender's speech file did, or before. Either way, as long as no speech
// was missed, the speech is found and scores as sent.
func TestScoreSpeechFindsSpeechAcrossTheLead(t *testing.T) {
	said := testspeech.Read(t, testspeech.File(t, "en-us", harvard[0]+" "+harvard[1]+" "+harvard[2]))
	sent := append(make([]float32, int(speechLead.Seconds()*wav.SampleRate)), said...)
	delay := make([]float32, wav.SampleRate/20) // the path's own 50 ms
	for _, c := range []struct {
		name string
		rec  []float32
	}{
		{"recording began 3 s late", append(delay, sent[3*wav.SampleRate:]...)},
		{"recording began 5 s early", append(append(make([]float32, 5*wav.SampleRate), delay...), sent...)},
	} {
		stoi, _, err := scoreSpeech(sent, c.rec)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if stoi < 0.99 {
			t.Errorf("%s: STOI %.3f, want the speech as sent", c.name, stoi)
		}
	}
}
