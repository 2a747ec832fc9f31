// @ts-check
/**
 * FrameStream receives frames from the Go frame bridge (app/bridge) over a
 * loopback WebSocket and hands each decoded header with plane views to a
 * callback. It reconnects when the socket drops, asking for the URL again
 * because a restarted engine has a new port and token.
 *
 * The wire format is defined in app/bridge/doc.go ("Wire format"); the Go
 * test app/bridge/framestream_contract_test.go holds parseFrame and the
 * constants below to it.
 */

export const HEADER_SIZE = 32;
export const STREAM_REMOTE = 1;
export const STREAM_LOCAL = 2;
const MAX_DIMENSION = 8192;

/**
 * @typedef {Object} Frame
 * @property {number} stream
 * @property {number} seq
 * @property {number} width
 * @property {number} height
 * @property {number} captured  µs since epoch, 0 if unknown
 * @property {number} sent      µs since epoch
 * @property {Uint8Array} y
 * @property {Uint8Array} u
 * @property {Uint8Array} v
 */

/**
 * parseFrame checks a message the way app/bridge.DecodeHeader does and
 * returns the frame, or a string saying what is wrong.
 * @param {ArrayBuffer} buf
 * @returns {Frame|string}
 */
export function parseFrame(buf) {
  if (buf.byteLength < HEADER_SIZE) return 'short message';
  const d = new DataView(buf);
  if (d.getUint8(0) !== 0x50 || d.getUint8(1) !== 0x46) return 'bad magic';
  if (d.getUint8(2) !== 1) return `version ${d.getUint8(2)}`;
  if (d.getUint8(5) | d.getUint8(6) | d.getUint8(7)) return 'reserved bytes set';
  const stream = d.getUint8(3);
  if (stream !== STREAM_REMOTE && stream !== STREAM_LOCAL) return `stream ${stream}`;
  if (d.getUint8(4) !== 1) return `format ${d.getUint8(4)}`;
  const width = d.getUint16(12, true);
  const height = d.getUint16(14, true);
  if (width < 1 || height < 1 || width > MAX_DIMENSION || height > MAX_DIMENSION) return `size ${width}x${height}`;
  const cw = (width + 1) >> 1;
  const ch = (height + 1) >> 1;
  const ySize = width * height;
  const cSize = cw * ch;
  if (buf.byteLength !== HEADER_SIZE + ySize + 2 * cSize) return 'length does not match size';
  return {
    stream,
    seq: d.getUint32(8, true),
    width,
    height,
    captured: Number(d.getBigInt64(16, true)),
    sent: Number(d.getBigInt64(24, true)),
    y: new Uint8Array(buf, HEADER_SIZE, ySize),
    u: new Uint8Array(buf, HEADER_SIZE + ySize, cSize),
    v: new Uint8Array(buf, HEADER_SIZE + ySize + cSize, cSize),
  };
}

/** Microseconds since the epoch, with sub-millisecond precision where the platform gives it. */
export function nowMicros() {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/**
 * @typedef {Object} StreamCounters
 * @property {number} received     frames parsed
 * @property {number} rejected     messages that failed parseFrame
 * @property {number} gaps         frames the bridge dropped for us (sequence gaps)
 * @property {number} connects     successful connections
 * @property {number} lastTransitMs  arrival minus the header's send time: the WebSocket's own delay
 * @property {string} lastError    why the last message was rejected or the socket closed
 */

export class FrameStream {
  /**
   * @param {() => Promise<string>} getURL  asked before every connection attempt
   * @param {(f: Frame) => void} onFrame
   * @param {() => void} [onOpen]  called on every (re)connection, before the first frame
   */
  constructor(getURL, onFrame, onOpen = () => {}) {
    this.getURL = getURL;
    this.onFrame = onFrame;
    this.onOpen = onOpen;
    /** @type {StreamCounters} */
    this.counters = { received: 0, rejected: 0, gaps: 0, connects: 0, lastTransitMs: NaN, lastError: '' };
    /** @type {WebSocket|null} */
    this.ws = null;
    this.stopped = true;
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    this.retryTimer = undefined;
    this.backoffMs = 250;
    /** @type {Map<number, number>} last sequence number per stream */
    this.lastSeq = new Map();
  }

  start() {
    this.stopped = false;
    this.connect();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.ws?.close();
    this.ws = null;
  }

  /** @private */
  async connect() {
    if (this.stopped) return;
    let url;
    try {
      url = await this.getURL();
    } catch (e) {
      this.counters.lastError = `no bridge URL: ${e}`;
      this.retry();
      return;
    }
    if (this.stopped) return;
    const ws = new WebSocket(url);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.counters.connects++;
      this.backoffMs = 250;
      this.lastSeq.clear();
      this.onOpen();
    };
    ws.onmessage = (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) {
        this.counters.rejected++;
        this.counters.lastError = 'text message';
        return;
      }
      const f = parseFrame(ev.data);
      if (typeof f === 'string') {
        this.counters.rejected++;
        this.counters.lastError = f;
        return;
      }
      this.counters.received++;
      this.counters.lastTransitMs = (nowMicros() - f.sent) / 1000;
      const last = this.lastSeq.get(f.stream);
      if (last !== undefined && f.seq > last + 1) this.counters.gaps += f.seq - last - 1;
      this.lastSeq.set(f.stream, f.seq);
      this.onFrame(f);
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.counters.lastError = `socket closed (${ev.code}${ev.reason ? ' ' + ev.reason : ''})`;
      this.retry();
    };
  }

  /**
   * send tells the bridge how large a stream is shown (app/bridge View):
   * width×height device pixels, 0×0 for not shown. It reports whether the
   * message went out; a closed socket sends nothing, and onOpen is the
   * place to send again.
   * @param {number} stream
   * @param {number} width
   * @param {number} height
   */
  sendView(stream, width, height) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify({ stream, width, height }));
    return true;
  }

  /** @private */
  retry() {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, 4000);
  }
}
