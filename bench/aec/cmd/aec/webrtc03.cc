//go:build webrtc03

// The webrtc03 engine: Debian 12's libwebrtc-audio-processing-dev 0.3
// (WebRTC of 2016: the old AEC, NS, AGC1), as Chromium configured it then.

#include "webrtc03.h"

#include <webrtc/modules/audio_processing/include/audio_processing.h>

using webrtc::AudioProcessing;

struct w03 {
	AudioProcessing *apm;
	webrtc::StreamConfig mono;
};

extern "C" {

w03 *w03_new(int ns, int agc, int *err) {
	webrtc::Config config;
	config.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
	config.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
	config.Set<webrtc::ExperimentalAgc>(new webrtc::ExperimentalAgc(false));  // no analog volume here
	AudioProcessing *apm = AudioProcessing::Create(config);
	if (apm == nullptr) {
		*err = -1;
		return nullptr;
	}
	int e = AudioProcessing::kNoError;
	e |= apm->high_pass_filter()->Enable(true);
	e |= apm->echo_cancellation()->enable_drift_compensation(false);
	e |= apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
	e |= apm->echo_cancellation()->Enable(true);
	if (ns) {
		e |= apm->noise_suppression()->set_level(webrtc::NoiseSuppression::kHigh);
		e |= apm->noise_suppression()->Enable(true);
	}
	if (agc) {
		e |= apm->gain_control()->set_mode(webrtc::GainControl::kAdaptiveDigital);
		e |= apm->gain_control()->Enable(true);
	}
	if (e != AudioProcessing::kNoError) {
		*err = e;
		delete apm;
		return nullptr;
	}
	*err = 0;
	return new w03{apm, webrtc::StreamConfig(48000, 1)};
}

int w03_render(w03 *w, const float *far) {
	const float *src[1] = {far};
	float out[480];
	float *dst[1] = {out};
	return w->apm->ProcessReverseStream(src, w->mono, w->mono, dst);
}

int w03_capture(w03 *w, float *mic, int delay_ms) {
	w->apm->set_stream_delay_ms(delay_ms);
	float *ch[1] = {mic};
	return w->apm->ProcessStream(ch, w->mono, w->mono, ch);
}

void w03_free(w03 *w) {
	delete w->apm;
	delete w;
}

}  // extern "C"
