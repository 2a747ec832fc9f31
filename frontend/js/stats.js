// @ts-check
/** The stats panel: the engine's call statistics and the page's drawing counters. */
import { el } from '../shared/dom.js';
import { STREAM_LOCAL, STREAM_REMOTE } from './framestream.js';
import { percentile } from './video.js';

/** @typedef {import('./backend.js').CallStats} CallStats */
/** @typedef {import('./video.js').VideoView} VideoView */

/** @param {number} n @param {number} [digits] */
const num = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '–');

export class StatsPanel {
  /**
   * @param {HTMLElement} root  the panel (hidden attribute toggles it)
   * @param {HTMLElement} table where the rows go
   * @param {VideoView} video
   * @param {HTMLCanvasElement} remoteCanvas
   */
  constructor(root, table, video, remoteCanvas) {
    this.root = root;
    this.table = table;
    this.video = video;
    this.remoteCanvas = remoteCanvas;
    /** @type {CallStats|null} */
    this.call = null;
    /** @type {ReturnType<typeof setInterval>|undefined} */
    this.timer = undefined;
    /** @type {Record<number, {drawn: number, at: number, fps: number}>} */
    this.rate = { [STREAM_REMOTE]: { drawn: 0, at: 0, fps: NaN }, [STREAM_LOCAL]: { drawn: 0, at: 0, fps: NaN } };
  }

  /** @param {CallStats} s */
  setCall(s) {
    this.call = s;
  }

  toggle() {
    if (this.root.hidden) this.open();
    else this.close();
  }

  open() {
    this.root.hidden = false;
    this.render();
    this.timer = setInterval(() => this.render(), 1000);
  }

  close() {
    this.root.hidden = true;
    clearInterval(this.timer);
  }

  /** @private */
  render() {
    const rows = [];
    const now = performance.now();
    for (const [stream, name] of /** @type {const} */ ([[STREAM_REMOTE, 'Received'], [STREAM_LOCAL, 'Preview']])) {
      const c = this.video.counters[stream];
      const r = this.rate[stream];
      if (r.at) r.fps = ((c.drawn - r.drawn) * 1000) / (now - r.at);
      r.drawn = c.drawn;
      r.at = now;
      rows.push([`${name} video`, c.width ? `${c.width}×${c.height}, ${num(r.fps)} fps drawn` : 'none']);
      rows.push([`${name} latency`, `p50 ${num(percentile(c.latencies, 50))} ms, p95 ${num(percentile(c.latencies, 95))} ms`]);
    }
    const fs = this.video.stream.counters;
    rows.push(['Frames', `${fs.received} received, ${fs.gaps} dropped by the bridge, ${this.video.counters[STREAM_REMOTE].skipped + this.video.counters[STREAM_LOCAL].skipped} skipped`]);
    rows.push(['Bridge transit', `${num(fs.lastTransitMs, 1)} ms`]);
    rows.push(['Renderer', this.video.kindOf(this.remoteCanvas) || '–']);
    const s = this.call;
    if (s) {
      rows.push(['Peer', s.peer]);
      rows.push(['Round trip', `${num(s.rttMs)} ms, jitter ${num(s.jitterMs)} ms`]);
      rows.push(['Sending', `${num(s.sendBitrate / 1000)} kbit/s (target ${num(s.targetBitrate / 1000)})`]);
      rows.push(['Receiving', `${num(s.receiveBitrate / 1000)} kbit/s, ${s.width}×${s.height} at ${num(s.framesPerSecond)} fps`]);
      rows.push(['Decoded', `${s.framesDecoded} of ${s.framesReceived} frames`]);
      rows.push(['Packet loss', `${num(s.loss * 100, 1)} %`]);
      rows.push(['Lost sound', `${s.audioRecovered ?? 0} packets rebuilt from FEC, ${s.audioConcealed ?? 0} concealed`]);
      rows.push(['Sound buffer', `${num(s.playoutDelayMs ?? 0)} ms (target ${num(s.playoutTargetMs ?? 0)} ms), pauses shortened ${s.audioAccelerated ?? 0}, lengthened ${s.audioExpanded ?? 0}, ran dry ${s.audioUnderruns ?? 0}`]);
      rows.push(['Peer receives', `${s.peerReceivesVideo ? 'video' : 'no video'}, ${s.peerReceivesAudio ? 'audio' : 'no audio'}`]);
    }
    this.table.replaceChildren(...rows.map(([k, v]) => el('tr', {}, el('th', { text: k }), el('td', { text: v }))));
  }
}
