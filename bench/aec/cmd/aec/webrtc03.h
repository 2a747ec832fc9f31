// C face of webrtc03.cc, Debian 12's WebRTC AudioProcessing 0.3 (C++).
#ifndef AEC_WEBRTC03_H
#define AEC_WEBRTC03_H
#ifdef __cplusplus
extern "C" {
#endif
typedef struct w03 w03;
// w03_new returns NULL, with the library's error code in *err, on failure.
w03 *w03_new(int ns, int agc, int *err);
// Both take one 10 ms frame of 48 kHz mono samples in [-1, 1].
int w03_render(w03 *w, const float *far);
int w03_capture(w03 *w, float *mic, int delay_ms);
void w03_free(w03 *w);
#ifdef __cplusplus
}
#endif
#endif
