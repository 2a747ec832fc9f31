// @ts-check
/**
 * What the sound benchmark (sound.mjs) adds to a Chromium page of Parley's
 * browser client, as a Playwright init script, and the Node-side helpers
 * that turn what the page recorded into WAV files. The client itself is not
 * modified:
 *
 *  - the microphone-processing switches (echo cancellation, noise
 *    suppression, automatic gain) are seeded into the client's saved
 *    settings (localStorage "parley.settings", read by app.js at load), so
 *    the microphone opens with them as the benchmark wants from the start:
 *    no reopen, no gap;
 *  - an incoming call is accepted the moment its prompt shows;
 *  - recorders, each an AudioWorklet in the page's own AudioContext at
 *    48 kHz, record the remote audio track (what the RTCPeerConnection
 *    received) and/or the local microphone track, from the moment each
 *    track exists. A recorder keeps every render quantum from its first
 *    one on (a quantum the context skipped is filled with silence), so
 *    sample i of a recording is at startMs + i / 48 ms.
 *
 * Timing. The worklet knows the context frame of each quantum it records
 * (currentFrame). AudioContext.getOutputTimestamp() maps context time to
 * performance.now() (the moment a context time leaves the output), and
 * performance.timeOrigin turns that into Unix ms; the page samples the
 * mapping at every chunk and keeps the median. Less the context's own
 * latency (baseLatency + outputLatency, about 40 ms on Chromium's fake
 * output), that is when the sample entered the graph, i.e. when the track
 * delivered it: for a remote track, when the receiver played it out; for
 * the microphone, when it was captured, plus what a
 * MediaStreamAudioSourceNode's FIFO holds (up to a capture chunk, 10 ms,
 * plus a render quantum). The sender's recordLocal and the receiver's
 * record share that FIFO bias, so the difference of a sound timed in both
 * is the mouth-to-ear delay to within a few ms, and a Parley sender's own
 * clock (--mic-file's start) can be set against the receiver's record.
 * offsetSpreadMs reports the mapping's jitter.
 *
 * Results are read through window.__sound; the page hands the samples over
 * as base64 of little-endian Int16 in chunks (see readChunk), which
 * wavFile assembles on the Node side.
 */

/** The client's settings key (signaling/web/static/js/app.js SETTINGS_KEY). */
export const SETTINGS_KEY = 'parley.settings';

/** The recorders' sample rate. */
export const SAMPLE_RATE = 48000;

/**
 * @typedef {object} SoundPageConfig
 * @property {boolean} processing  echo cancellation, noise suppression and auto gain on (true) or off
 * @property {boolean} record      record the remote audio track
 * @property {boolean} recordLocal record the local microphone track
 * @property {number} chunk        frames per message from the worklet
 * @property {number} sampleRate
 * @property {string} worklet     WORKLET_SOURCE
 */

/**
 * @typedef {object} RecordingInfo
 * @property {number} startMs   Unix ms (fractional) of the first sample, see the timing note above
 * @property {number} samples   frames recorded
 * @property {number} gaps      render quanta the context skipped (filled with silence)
 * @property {number} offsetSpreadMs spread (max - min) of the context-time → Unix-ms mapping samples
 * @property {number} peak      largest absolute sample (0..1)
 * @property {number} rms       RMS over the whole recording (0..1)
 * @property {number} baseLatencyMs
 * @property {number} outputLatencyMs
 * @property {string} trackId
 */

/**
 * The AudioWorkletProcessor, as source text for a Blob URL (it runs in the
 * worklet's scope, not the page's). It mixes its input to mono (the node is
 * created with one explicit channel), collects `chunk` frames and posts
 * them with the context frame of the first one. Until told to stop, an
 * absent input (no channels) counts as silence, so the timeline stays
 * continuous.
 */
export const WORKLET_SOURCE = `
class ParleyBenchRecorder extends AudioWorkletProcessor {
  constructor(options) {
    super();
    this.size = options.processorOptions.chunk;
    this.buf = new Float32Array(this.size);
    this.n = 0;
    this.bufFrame = -1;
    this.next = -1;
    this.stopped = false;
    this.port.onmessage = (e) => {
      if (e.data === 'stop') {
        this.flush();
        this.stopped = true;
        this.port.postMessage({ type: 'stopped' });
      }
    };
  }
  flush() {
    if (this.n === 0) return;
    const data = this.buf.slice(0, this.n);
    this.port.postMessage({ type: 'chunk', frame: this.bufFrame, data }, [data.buffer]);
    this.n = 0;
    this.bufFrame = -1;
  }
  push(frame, samples, len) {
    let off = 0;
    while (off < len) {
      if (this.n === 0) this.bufFrame = frame + off;
      const k = Math.min(len - off, this.size - this.n);
      if (samples) this.buf.set(samples.subarray(off, off + k), this.n);
      else this.buf.fill(0, this.n, this.n + k);
      this.n += k;
      off += k;
      if (this.n === this.size) this.flush();
    }
  }
  process(inputs) {
    if (this.stopped) return false;
    const ch = inputs[0] && inputs[0][0];
    const len = ch ? ch.length : 128;
    if (this.next < 0) this.next = currentFrame;
    if (currentFrame > this.next) {
      this.port.postMessage({ type: 'gap', frames: currentFrame - this.next });
      this.push(this.next, null, currentFrame - this.next);
    }
    this.push(currentFrame, ch || null, len);
    this.next = currentFrame + len;
    return true;
  }
}
registerProcessor('parley-bench-recorder', ParleyBenchRecorder);
`;

/**
 * Installs the page side. Runs inside the page, so it may use only its
 * arguments and browser globals.
 * @param {SoundPageConfig} cfg
 */
export function installSound(cfg) {
  // The saved settings: app.js reads them when it loads. Only the three
  // switches are set; everything else stays the client's default.
  try {
    const key = 'parley.settings';
    const saved = JSON.parse(localStorage.getItem(key) ?? '{}') || {};
    localStorage.setItem(key, JSON.stringify({ ...saved, echoCancellation: cfg.processing, noiseSuppression: cfg.processing, autoGainControl: cfg.processing }));
  } catch {
    // about:blank and other opaque origins have no storage
  }

  // A Chromium sender stamps its audio with its capture time once a second
  // (the abs-capture-time RTP header extension) when the call negotiates
  // it, which Chromium does only when asked; the bench reads the stamps on
  // the wire, to time a click from Chromium's capture as it times Parley's.
  // The client offers through setLocalDescription() without an offer, so
  // that is wrapped too.
  for (const m of /** @type {const} */ (['createOffer', 'createAnswer', 'setLocalDescription'])) {
    const orig = /** @type {(...a: any[]) => Promise<any>} */ (RTCPeerConnection.prototype[m]);
    /** @type {any} */ (RTCPeerConnection.prototype)[m] = function (/** @type {any[]} */ ...args) {
      for (const t of /** @type {RTCPeerConnection} */ (this).getTransceivers()) {
        const tr = /** @type {any} */ (t);
        if (typeof tr.getHeaderExtensionsToNegotiate !== 'function') continue;
        const exts = tr.getHeaderExtensionsToNegotiate();
        for (const e of exts) if (String(e.uri).endsWith('/abs-capture-time') && e.direction === 'stopped') e.direction = 'sendrecv';
        try {
          tr.setHeaderExtensionsToNegotiate(exts);
        } catch {
          // Only a timing aid: a call without the stamps is still a call
          // (the bench then says it could not read Chromium's capture).
        }
      }
      return orig.apply(this, args);
    };
  }

  /**
   * @typedef {object} Recorder
   * @property {AudioWorkletNode} node
   * @property {MediaStreamTrack} track
   * @property {Float32Array[]} chunks
   * @property {number} firstFrame
   * @property {number} frames
   * @property {number} gaps
   * @property {number[]} offsets  Unix ms of context time 0, one per chunk
   * @property {Promise<void>} stopped
   * @property {() => void} onStopped
   */

  const s = {
    /** @type {AudioContext | null} */
    ctx: null,
    /** @type {Promise<AudioContext> | null} */
    ready: null,
    /** @type {Record<string, Recorder>} */
    rec: {},
    acceptAt: 0,
    /** @type {string[]} */
    errors: [],
    context,
    start,
    stop,
    readChunk,
    info,
    localTrack,
    remoteTrack,
  };
  /** @type {any} */ (window).__sound = s;
  /** recorders being set up */
  const starting = new Set();

  /** The page's AudioContext, with the recorder module loaded. */
  function context() {
    if (!s.ready) {
      s.ready = (async () => {
        const ctx = new AudioContext({ sampleRate: cfg.sampleRate, latencyHint: 'interactive' });
        // From a Blob URL: sound.mjs opens the page with bypassCSP, as
        // Playwright does not route a worklet's module request.
        const url = URL.createObjectURL(new Blob([cfg.worklet], { type: 'text/javascript' }));
        await ctx.audioWorklet.addModule(url);
        URL.revokeObjectURL(url);
        if (ctx.state !== 'running') await ctx.resume();
        s.ctx = ctx;
        return ctx;
      })();
    }
    return s.ready;
  }

  /** Unix ms of context time 0, by the context's latest output timestamp. */
  function offsetNow() {
    const ctx = /** @type {AudioContext} */ (s.ctx);
    const ts = ctx.getOutputTimestamp();
    if (!ts.contextTime || !ts.performanceTime) return NaN;
    return performance.timeOrigin + ts.performanceTime - ts.contextTime * 1000;
  }

  /** The microphone track the client opened (its local preview holds the stream). */
  function localTrack() {
    const v = /** @type {HTMLVideoElement | null} */ (document.getElementById('local_video'));
    const stream = v?.srcObject;
    return stream instanceof MediaStream ? (stream.getAudioTracks()[0] ?? null) : null;
  }

  /** The audio track the call's RTCPeerConnection receives. */
  function remoteTrack() {
    /** @type {RTCPeerConnection | null} */
    const pc = /** @type {any} */ (window).parley?.pc ?? null;
    if (!pc) return null;
    for (const r of pc.getReceivers()) if (r.track?.kind === 'audio') return r.track;
    return null;
  }

  /**
   * Starts recording a track under a name ('remote', 'local').
   * @param {string} name
   * @param {MediaStreamTrack} track
   */
  async function start(name, track) {
    if (starting.has(name) || s.rec[name]) return;
    starting.add(name);
    const ctx = await context();
    const source = new MediaStreamAudioSourceNode(ctx, { mediaStream: new MediaStream([track]) });
    const node = new AudioWorkletNode(ctx, 'parley-bench-recorder', {
      numberOfInputs: 1,
      numberOfOutputs: 1,
      outputChannelCount: [1],
      channelCount: 1,
      channelCountMode: 'explicit',
      channelInterpretation: 'speakers',
      processorOptions: { chunk: cfg.chunk },
    });
    /** @type {() => void} */
    let onStopped = () => {};
    /** @type {Recorder} */
    const r = { node, track, chunks: [], firstFrame: -1, frames: 0, gaps: 0, offsets: [], stopped: new Promise((res) => (onStopped = res)), onStopped: () => onStopped() };
    s.rec[name] = r;
    node.port.onmessage = (e) => {
      const m = e.data;
      if (m.type === 'chunk') {
        if (r.firstFrame < 0) r.firstFrame = m.frame;
        r.chunks.push(m.data);
        r.frames += m.data.length;
        const off = offsetNow();
        if (Number.isFinite(off)) r.offsets.push(off);
      } else if (m.type === 'gap') {
        r.gaps++;
      } else if (m.type === 'stopped') {
        r.onStopped();
      }
    };
    source.connect(node);
    // Connected to the destination so the graph pulls it; it outputs silence.
    node.connect(ctx.destination);
  }

  /**
   * Stops a recorder after its last chunk has arrived.
   * @param {string} name
   */
  async function stop(name) {
    const r = s.rec[name];
    if (!r) return;
    r.node.port.postMessage('stop');
    await Promise.race([r.stopped, new Promise((res) => setTimeout(res, 2000))]);
    r.node.disconnect();
  }

  /**
   * What a recorder holds, for the result.
   * @param {string} name
   * @returns {RecordingInfo | null}
   */
  function info(name) {
    const r = s.rec[name];
    const ctx = s.ctx;
    if (!r || !ctx || r.firstFrame < 0) return null;
    const offs = r.offsets.slice().sort((a, b) => a - b);
    const median = offs[Math.floor(offs.length / 2)] ?? NaN;
    let peak = 0;
    let sum = 0;
    for (const c of r.chunks) {
      for (let i = 0; i < c.length; i++) {
        const v = Math.abs(c[i]);
        if (v > peak) peak = v;
        sum += v * v;
      }
    }
    return {
      // The output timestamp says when a context time leaves the output;
      // less the context's latency, it is when the sample entered the
      // graph: what the track delivered then.
      startMs: median + (r.firstFrame / ctx.sampleRate) * 1000 - (ctx.baseLatency + ctx.outputLatency) * 1000,
      samples: r.frames,
      gaps: r.gaps,
      offsetSpreadMs: offs.length ? offs[offs.length - 1] - offs[0] : NaN,
      peak,
      rms: r.frames ? Math.sqrt(sum / r.frames) : 0,
      baseLatencyMs: ctx.baseLatency * 1000,
      outputLatencyMs: ctx.outputLatency * 1000,
      trackId: r.track.id,
    };
  }

  /**
   * Frames [from, from + n) of a recording as base64 of little-endian Int16
   * (clipped), or '' past the end.
   * @param {string} name
   * @param {number} from
   * @param {number} n
   */
  function readChunk(name, from, n) {
    const r = s.rec[name];
    if (!r) return '';
    const out = new Int16Array(Math.max(0, Math.min(n, r.frames - from)));
    let pos = 0; // frame index of the current chunk's first sample
    for (const c of r.chunks) {
      if (pos + c.length > from && pos < from + out.length) {
        const a = Math.max(from, pos);
        const b = Math.min(from + out.length, pos + c.length);
        for (let i = a; i < b; i++) {
          const v = Math.max(-1, Math.min(1, c[i - pos]));
          out[i - from] = v < 0 ? Math.round(v * 32768) : Math.round(v * 32767);
        }
      }
      pos += c.length;
    }
    const bytes = new Uint8Array(out.buffer);
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return btoa(bin);
  }

  // The recorders start themselves the moment their track exists.
  const timer = setInterval(() => {
    /** @param {string} name @param {MediaStreamTrack | null} track */
    const want = (name, track) => {
      if (track && !s.rec[name]) start(name, track).catch((err) => s.errors.push(`${name}: ${err instanceof Error ? err.message : String(err)}`));
    };
    if (cfg.record) want('remote', remoteTrack());
    if (cfg.recordLocal) want('local', localTrack());
    if ((!cfg.record || s.rec.remote) && (!cfg.recordLocal || s.rec.local)) clearInterval(timer);
  }, 10);

  document.addEventListener('DOMContentLoaded', () => {
    const prompt = document.getElementById('incoming');
    const accept = document.getElementById('accept_button');
    if (prompt && accept) {
      new MutationObserver(() => {
        if (!prompt.hidden && !s.acceptAt) {
          s.acceptAt = Date.now();
          accept.click();
        }
      }).observe(prompt, { attributes: true, attributeFilter: ['hidden'] });
    }
  });
}

/**
 * A 16-bit PCM WAV file: the 44-byte RIFF header, then the samples.
 * @param {Uint8Array} pcm little-endian Int16 samples (an even number of bytes)
 * @param {number} sampleRate
 * @param {number} [channels]
 * @returns {Buffer}
 */
export function wavFile(pcm, sampleRate, channels = 1) {
  if (pcm.length % 2) throw new RangeError('PCM data must be whole 16-bit samples');
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(36 + pcm.length, 4);
  h.write('WAVE', 8, 'ascii');
  h.write('fmt ', 12, 'ascii');
  h.writeUInt32LE(16, 16); // fmt chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(channels, 22);
  h.writeUInt32LE(sampleRate, 24);
  h.writeUInt32LE(sampleRate * channels * 2, 28); // byte rate
  h.writeUInt16LE(channels * 2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(pcm.length, 40);
  return Buffer.concat([h, pcm]);
}

/**
 * The fields of Chromium's inbound-rtp audio stat the benchmark reports,
 * with its seconds turned into ms per emitted sample.
 * @param {Record<string, any>} s an inbound-rtp stat of kind audio
 * @param {Record<string, any> | undefined} [codec] its codec stat
 * @param {Record<string, any> | undefined} [playout] its media-playout stat
 */
export function audioStatsFrom(s, codec, playout) {
  const n = (/** @type {string} */ k) => (typeof s[k] === 'number' ? s[k] : 0);
  const per = (/** @type {string} */ k, /** @type {number} */ count) => (count > 0 ? (1000 * n(k)) / count : 0);
  const emitted = n('jitterBufferEmittedCount');
  /** @type {Record<string, number | string>} */
  const out = {
    packetsReceived: n('packetsReceived'),
    packetsLost: n('packetsLost'),
    packetsDiscarded: n('packetsDiscarded'),
    bytesReceived: n('bytesReceived'),
    jitterMs: 1000 * n('jitter'),
    totalSamplesReceived: n('totalSamplesReceived'),
    concealedSamples: n('concealedSamples'),
    silentConcealedSamples: n('silentConcealedSamples'),
    concealmentEvents: n('concealmentEvents'),
    insertedSamplesForDeceleration: n('insertedSamplesForDeceleration'),
    removedSamplesForAcceleration: n('removedSamplesForAcceleration'),
    fecPacketsReceived: n('fecPacketsReceived'),
    fecPacketsDiscarded: n('fecPacketsDiscarded'),
    jitterBufferEmittedCount: emitted,
    jitterBufferDelayMs: per('jitterBufferDelay', emitted),
    jitterBufferTargetDelayMs: per('jitterBufferTargetDelay', emitted),
    jitterBufferMinimumDelayMs: per('jitterBufferMinimumDelay', emitted),
    jitterBufferFlushes: n('jitterBufferFlushes'),
    totalAudioEnergy: n('totalAudioEnergy'),
    totalSamplesDuration: n('totalSamplesDuration'),
    audioLevel: n('audioLevel'),
  };
  if (typeof s.totalProcessingDelay === 'number') out.processingDelayMs = per('totalProcessingDelay', emitted);
  if (codec?.mimeType) out.codec = `${codec.mimeType}${codec.sdpFmtpLine ? ';' + codec.sdpFmtpLine : ''}`;
  if (playout && typeof playout.totalSamplesCount === 'number' && playout.totalSamplesCount > 0) {
    out.playoutDelayMs = (1000 * (playout.totalPlayoutDelay ?? 0)) / playout.totalSamplesCount;
    out.playoutSamples = playout.totalSamplesCount;
    out.synthesizedSamplesMs = 1000 * (playout.synthesizedSamplesDuration ?? 0);
  }
  return out;
}
