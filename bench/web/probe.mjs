// @ts-check
/**
 * What the benchmark adds to a Chromium page of Parley's browser client
 * (as a Playwright init script; chromium.mjs serialises installProbe with
 * stamp.mjs's functions). The client itself is not modified:
 *
 *  - the camera is faked with a canvas captureStream that draws a moving
 *    picture and the block code of app/media/stamp (capture time, sequence)
 *    on every frame, the way Parley's test cameras do; the microphone stays
 *    Chromium's fake device;
 *  - a click in the people list records when the call was placed;
 *  - an incoming call is accepted the moment its prompt shows (the
 *    headless Parley peer's --auto-answer), so setup time holds no human;
 *  - every frame presented by #received_video (requestVideoFrameCallback)
 *    is read back from a canvas: the first frame's time, the first frame at
 *    full width, and capture-to-presentation latency from the stamp.
 *
 * Results are read through window.__bench.
 */

/**
 * @typedef {object} ProbeConfig
 * @property {number} width   camera width
 * @property {number} height  camera height
 * @property {number} fps
 * @property {number} camera  the stamp's camera id
 * @property {number} fullWidth width at which the received video counts as full resolution
 */

/**
 * Installs the probe. Runs inside the page, so it may use only its
 * arguments and browser globals.
 * @param {ProbeConfig} cfg
 * @param {{drawOnCanvas: Function, decode: Function, lumaFromRGBA: Function, bandHeight: Function}} stamp
 */
export function installProbe(cfg, stamp) {
  const b = {
    clickAt: 0,
    acceptAt: 0,
    firstFrameAt: 0,
    fullResAt: 0,
    frames: 0,
    stamped: 0,
    width: 0,
    height: 0,
    sent: 0,
    /** @type {number[][]} [presented ms, latency ms] */
    latencies: [],
  };
  /** @type {any} */ (window).__bench = b;

  const realGUM = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  /** @param {MediaStreamConstraints} [want] */
  navigator.mediaDevices.getUserMedia = async (want) => {
    const stream = new MediaStream();
    if (want?.audio) for (const t of (await realGUM({ audio: true })).getAudioTracks()) stream.addTrack(t);
    if (want?.video) stream.addTrack(stampedCamera());
    return stream;
  };

  /** A canvas camera: moving bars and a square, and the code on top. */
  function stampedCamera() {
    const canvas = document.createElement('canvas');
    canvas.width = cfg.width;
    canvas.height = cfg.height;
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext('2d'));
    let seq = 0;
    const draw = () => {
      const n = seq;
      const w = cfg.width;
      const h = cfg.height;
      for (let i = 0; i < 8; i++) {
        ctx.fillStyle = `hsl(${(i * 45 + n * 3) % 360} 70% 50%)`;
        ctx.fillRect((i * w) / 8, 0, w / 8 + 1, h);
      }
      ctx.fillStyle = '#eee';
      const s = h / 4;
      ctx.fillRect(((n * 8) % (w + s)) - s, h / 2 - s / 2, s, s);
      stamp.drawOnCanvas(ctx, w, { camera: cfg.camera, seq: seq++, capturedMS: Date.now() });
      b.sent++;
    };
    draw();
    const track = canvas.captureStream(cfg.fps).getVideoTracks()[0];
    const timer = setInterval(draw, 1000 / cfg.fps);
    track.addEventListener('ended', () => clearInterval(timer));
    const stop = track.stop.bind(track);
    track.stop = () => {
      clearInterval(timer);
      stop();
    };
    return track;
  }

  document.addEventListener(
    'click',
    (ev) => {
      if (ev.target instanceof Element && ev.target.closest('#userlist')) b.clickAt = Date.now();
    },
    true,
  );

  const readback = document.createElement('canvas');
  const rctx = /** @type {CanvasRenderingContext2D} */ (readback.getContext('2d', { willReadFrequently: true }));

  /**
   * @param {HTMLVideoElement} video
   * @param {DOMHighResTimeStamp} _now
   * @param {VideoFrameCallbackMetadata} meta
   */
  function onFrame(video, _now, meta) {
    const t = Date.now();
    b.frames++;
    b.width = meta.width;
    b.height = meta.height;
    if (!b.firstFrameAt) b.firstFrameAt = t;
    if (!b.fullResAt && meta.width >= cfg.fullWidth) b.fullResAt = t;
    const bh = Math.min(stamp.bandHeight(meta.width), meta.height);
    if (readback.width !== meta.width || readback.height !== bh) {
      readback.width = meta.width;
      readback.height = bh;
    }
    rctx.drawImage(video, 0, 0, meta.width, bh, 0, 0, meta.width, bh);
    const y = stamp.lumaFromRGBA(rctx.getImageData(0, 0, meta.width, bh).data);
    const code = stamp.decode(y, meta.width, bh, meta.width);
    if (code) {
      b.stamped++;
      b.latencies.push([t, t - code.capturedMS]);
    }
    video.requestVideoFrameCallback((n, m) => onFrame(video, n, m));
  }

  document.addEventListener('DOMContentLoaded', () => {
    const video = /** @type {HTMLVideoElement | null} */ (document.getElementById('received_video'));
    video?.requestVideoFrameCallback((n, m) => onFrame(video, n, m));
    const prompt = document.getElementById('incoming');
    const accept = document.getElementById('accept_button');
    if (prompt && accept) {
      new MutationObserver(() => {
        if (!prompt.hidden && !b.acceptAt) {
          b.acceptAt = Date.now();
          accept.click();
        }
      }).observe(prompt, { attributes: true, attributeFilter: ['hidden'] });
    }
  });
}
