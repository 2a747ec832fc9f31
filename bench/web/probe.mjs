// @ts-check
/**
 * What the benchmark adds to a Chromium page of Parley's browser client
 * (as a Playwright init script; chromium.mjs serialises installProbe with
 * stamp.mjs's functions). The client itself is not modified:
 *
 *  - the camera is faked with a canvas captureStream that draws a moving
 *    picture and the block code of app/media/stamp (capture time, sequence)
 *    on every frame, the way Parley's test cameras do, and on their clock:
 *    free-running, clockSkew slower than fps (see ClockSkew in
 *    app/media/testmedia), each frame handed over with requestFrame the
 *    moment it is drawn. A captureStream left to capture by itself takes
 *    frames on Chromium's 60 Hz frame clock, which every Chromium process
 *    on a machine shares, so the sender's frames would keep one phase
 *    against the receiver's paints for the whole call. The microphone
 *    stays Chromium's fake device;
 *  - a click in the people list records when the call was placed;
 *  - an incoming call is accepted the moment its prompt shows (the
 *    headless Parley peer's --auto-answer), so setup time holds no human;
 *  - every frame presented by #received_video (requestVideoFrameCallback)
 *    is read back from a canvas: the first frame's time, the first frame at
 *    full width, and capture-to-presentation latency from the stamp, split
 *    at the moment the frame's last packet arrived (the callback's
 *    receiveTime) into the sender's part and the receiving Chromium's.
 *
 * Results are read through window.__bench; splitLatencies, which runs in
 * the Node driver, sorts its latency records.
 */

/**
 * @typedef {object} ProbeConfig
 * @property {number} width   camera width
 * @property {number} height  camera height
 * @property {number} fps
 * @property {number} camera  the stamp's camera id
 * @property {number} fullWidth width at which the received video counts as full resolution
 * @property {number} clockSkew how much slower than fps the camera runs
 * @property {boolean} [realCamera] use Chromium's fake capture device (say, an .mjpeg file) rather than the stamped canvas
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
    /** @type {number[][]} [presented ms, latency ms, received → presented ms (-1: unknown), frame width] */
    latencies: [],
  };
  /** @type {any} */ (window).__bench = b;

  const realGUM = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  /** @param {MediaStreamConstraints} [want] */
  navigator.mediaDevices.getUserMedia = async (want) => {
    const stream = new MediaStream();
    if (want?.audio) for (const t of (await realGUM({ audio: true })).getAudioTracks()) stream.addTrack(t);
    // cfg.realCamera: Chromium's own fake device (a file played by
    // --use-file-for-fake-video-capture) instead of the canvas camera.
    if (want?.video) for (const t of cfg.realCamera ? (await realGUM({ video: want.video })).getVideoTracks() : [stampedCamera()]) stream.addTrack(t);
    return stream;
  };

  /** A canvas camera: moving bars and a square, and the code on top, on a free-running clock. */
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
    const track = /** @type {CanvasCaptureMediaStreamTrack} */ (canvas.captureStream(0).getVideoTracks()[0]);
    const period = (1000 / cfg.fps) * (1 + cfg.clockSkew);
    let next = performance.now();
    let timer = 0;
    const tick = () => {
      draw();
      track.requestFrame();
      // Scheduled from the start, so timer lateness does not add up.
      next += period;
      timer = window.setTimeout(tick, Math.max(0, next - performance.now()));
    };
    tick();
    track.addEventListener('ended', () => clearTimeout(timer));
    const stop = track.stop.bind(track);
    track.stop = () => {
      clearTimeout(timer);
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
      const held = meta.receiveTime ? t - (performance.timeOrigin + meta.receiveTime) : -1;
      b.latencies.push([t, t - code.capturedMS, held, meta.width]);
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

/**
 * A probe's latency records from `from` on: every frame's latency, the
 * receiving Chromium's part of it (held), and the latencies of the frames
 * that came at full width (a Chromium sender starts small and takes
 * 20-40 s to reach 1280 wide, so most of its "720p" frames are not), and
 * the rate at which stamped frames were presented.
 * @param {number[][]} records [presented ms, latency ms, held ms (-1: unknown), width]
 * @param {number} from
 * @param {number} fullWidth
 */
export function splitLatencies(records, from, fullWidth) {
  const rs = records.filter((l) => l[0] >= from);
  const span = rs.length > 1 ? rs[rs.length - 1][0] - rs[0][0] : 0;
  return {
    // Stamped frames presented per second, first to last.
    fps: span > 0 ? ((rs.length - 1) * 1000) / span : 0,
    latencies: rs.map((l) => l[1]),
    held: rs.filter((l) => l[2] >= 0).map((l) => l[2]),
    fullWidth: rs.filter((l) => l[3] >= fullWidth).map((l) => l[1]),
  };
}
