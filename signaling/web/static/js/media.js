// @ts-check
/**
 * Camera and microphone: constraints from the user's settings, opening them
 * with graceful fallback (a call without a camera still goes on, audio-only
 * or receive-only), and the user-facing sentences for getUserMedia's errors
 * as MDN's "Signaling and video calling" article describes them.
 */

/** Resolutions offered in the picker; the camera gets them as ideals, not exact values. */
export const RESOLUTIONS = Object.freeze({
  '360p': { width: 640, height: 360 },
  '480p': { width: 640, height: 480 },
  '720p': { width: 1280, height: 720 },
  '1080p': { width: 1920, height: 1080 },
});

/** Frame rates offered in the picker. */
export const FRAME_RATES = Object.freeze([15, 24, 30]);

/**
 * @typedef {object} MediaSettings
 * @property {string} cameraId '' for the default camera
 * @property {string} micId '' for the default microphone
 * @property {keyof typeof RESOLUTIONS} resolution
 * @property {number} frameRate
 * @property {boolean} [echoCancellation] the browser's microphone processing, as the desktop
 * @property {boolean} [noiseSuppression] app's Settings name it; absent means on
 * @property {boolean} [autoGainControl]
 */

/**
 * @param {MediaSettings} s
 * @returns {MediaTrackConstraints}
 */
export function videoConstraints(s) {
  const r = RESOLUTIONS[s.resolution] ?? RESOLUTIONS['720p'];
  /** @type {MediaTrackConstraints} */
  const c = { width: { ideal: r.width }, height: { ideal: r.height }, frameRate: { ideal: s.frameRate } };
  if (s.cameraId) c.deviceId = { exact: s.cameraId };
  return c;
}

/**
 * @param {MediaSettings} s
 * @returns {MediaTrackConstraints}
 */
export function audioConstraints(s) {
  /** @type {MediaTrackConstraints} */
  const c = {
    echoCancellation: s.echoCancellation !== false,
    noiseSuppression: s.noiseSuppression !== false,
    autoGainControl: s.autoGainControl !== false,
  };
  if (s.micId) c.deviceId = { exact: s.micId };
  return c;
}

/**
 * The sentence MDN's article prescribes for a getUserMedia failure.
 * @param {unknown} err
 * @returns {string}
 */
export function mediaErrorMessage(err) {
  const name = err instanceof Error || err instanceof DOMException ? err.name : '';
  const message = err instanceof Error || err instanceof DOMException ? err.message : String(err);
  switch (name) {
    case 'NotFoundError':
      return 'No camera and/or microphone were found.';
    case 'SecurityError':
    case 'NotAllowedError':
    case 'PermissionDeniedError':
      return 'Permission to use your camera and/or microphone was denied.';
    default:
      return 'Error opening your camera and/or microphone: ' + message;
  }
}

/**
 * Opens what it can: camera and microphone, else microphone only, else camera
 * only, else nothing (the call is receive-only). A denied permission is not
 * retried with less: the user said no to both.
 * @param {MediaSettings} s
 * @returns {Promise<{stream: MediaStream, warning: string}>}
 */
export async function openLocalMedia(s) {
  const video = videoConstraints(s);
  const audio = audioConstraints(s);
  /** @type {unknown} */
  let first;
  for (const want of [{ video, audio }, { audio }, { video }]) {
    try {
      const stream = await navigator.mediaDevices.getUserMedia(want);
      const warning = first ? mediaErrorMessage(first) + ' The call goes on with ' + (want.video ? 'video only.' : 'audio only.') : '';
      return { stream, warning };
    } catch (err) {
      first ??= err;
      const name = err instanceof DOMException ? err.name : '';
      if (name === 'NotAllowedError' || name === 'SecurityError') break;
    }
  }
  return { stream: new MediaStream(), warning: mediaErrorMessage(first) + ' You can still see and hear the other side.' };
}

/**
 * Opens one new track of the given kind, for switching devices mid-call.
 * @param {'audio' | 'video'} kind
 * @param {MediaSettings} s
 * @returns {Promise<MediaStreamTrack>}
 */
export async function openTrack(kind, s) {
  const stream = await navigator.mediaDevices.getUserMedia(kind === 'video' ? { video: videoConstraints(s) } : { audio: audioConstraints(s) });
  const [track] = kind === 'video' ? stream.getVideoTracks() : stream.getAudioTracks();
  if (!track) throw new DOMException('no track', 'NotFoundError');
  return track;
}

/**
 * The cameras and microphones present. Labels are empty until the user has
 * granted permission once, so callers fall back to "Camera 1" and so on.
 * @returns {Promise<{cameras: MediaDeviceInfo[], mics: MediaDeviceInfo[]}>}
 */
export async function listDevices() {
  if (!navigator.mediaDevices?.enumerateDevices) return { cameras: [], mics: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === 'videoinput'),
    mics: all.filter((d) => d.kind === 'audioinput'),
  };
}
