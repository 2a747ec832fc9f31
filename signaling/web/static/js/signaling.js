// @ts-check
/**
 * The WebSocket to parley-signal. It connects to the host the page came from
 * (so there is no Origin or mixed-content trouble), speaks the "json"
 * subprotocol, and reconnects with backoff when the connection drops, because
 * a laptop that sleeps or changes Wi-Fi should come back on its own.
 */
import { CLOSE_REPLACED, SUBPROTOCOL } from './protocol.js';

/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {'connecting' | 'open' | 'closed'} LinkStatus */

/**
 * The URL of the signaling socket for the page's own origin. An access
 * token in the page's query (?token=...) is passed on in the socket's query:
 * browsers cannot set an Authorization header on a WebSocket.
 * @param {Pick<Location, 'protocol' | 'host' | 'search'>} [loc]
 */
export function signalingURL(loc = location) {
  const url = (loc.protocol === 'https:' ? 'wss' : 'ws') + '://' + loc.host + '/';
  const token = new URLSearchParams(loc.search).get('token');
  return token ? url + '?token=' + encodeURIComponent(token) : url;
}

export class Signaling {
  /**
   * @param {string} url
   * @param {(m: Message) => void} onMessage called for every well-formed frame
   * @param {(s: LinkStatus, detail: string) => void} onStatus called on every change of the link
   */
  constructor(url, onMessage, onStatus) {
    this.url = url;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    /** @type {WebSocket | null} */
    this.ws = null;
    this.closedByUs = false;
    this.retries = 0;
    /** Whether connect() has been called at least once. */
    this.started = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.retryTimer = undefined;
  }

  /** Opens the socket; on every (re)open the owner gets onStatus('open'). */
  connect() {
    this.started = true;
    this.closedByUs = false;
    this.onStatus('connecting', '');
    const ws = new WebSocket(this.url, SUBPROTOCOL);
    this.ws = ws;
    ws.onopen = () => {
      this.retries = 0;
      this.onStatus('open', '');
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      /** @type {unknown} */
      let m;
      try {
        m = JSON.parse(ev.data);
      } catch {
        return; // a server bug must not take the page down
      }
      if (m && typeof m === 'object' && typeof (/** @type {{type?: unknown}} */ (m).type) === 'string') {
        this.onMessage(/** @type {Message} */ (m));
      }
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      if (this.closedByUs) {
        this.onStatus('closed', '');
        return;
      }
      if (ev.code === CLOSE_REPLACED) {
        this.onStatus('closed', 'You are connected from another window or device, so this one stopped.');
        return;
      }
      // 1008 (policy) and 1009 (too big) will fail the same way again, but a
      // server restart or a network change will not: retry all of them, slower
      // each time, capped so a returning server is found within seconds.
      const delay = Math.min(10000, 500 * 2 ** this.retries++);
      this.onStatus('closed', ev.reason || `connection lost (code ${ev.code})`);
      this.retryTimer = setTimeout(() => this.connect(), delay);
    };
  }

  /**
   * Sends one frame; returns false when the socket is not open, so callers can
   * tell the user instead of losing the message silently.
   * @param {Message} m
   * @returns {boolean}
   */
  send(m) {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return false;
    this.ws.send(JSON.stringify(m));
    return true;
  }

  /** Closes the socket for good (no reconnect). */
  close() {
    this.closedByUs = true;
    clearTimeout(this.retryTimer);
    this.ws?.close(1000, 'bye');
  }
}
