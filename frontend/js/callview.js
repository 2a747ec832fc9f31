// @ts-check
/**
 * CallView shows the call: the state line (calling…, ringing, connecting,
 * connected with a timer, ended with its reason), the control bar, and which
 * panes are visible.
 */
import { endText } from './errors.js';

/** @typedef {import('./backend.js').CallState} CallState */

/** @param {number} ms */
function clock(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/**
 * stateText is the state line for st at time now (ms).
 * @param {CallState} st
 * @param {number} now
 */
export function stateText(st, now) {
  switch (st.phase) {
    case 'idle': return 'Not in a call';
    case 'calling': return `Calling ${st.peer}…`;
    case 'ringing': return `${st.peer} is calling`;
    case 'connecting': return `Connecting to ${st.peer}…`;
    case 'connected': return `In a call with ${st.peer} · ${clock(now - st.since)}`;
    case 'ended': return endText(st.reason);
  }
}

/** Whether a call is in progress (hang-up makes sense). @param {CallState} st */
export function inCall(st) {
  return st.phase === 'calling' || st.phase === 'connecting' || st.phase === 'connected';
}

export class CallView {
  /**
   * @param {{ root: HTMLElement, line: HTMLElement, detail: HTMLElement, mute: HTMLButtonElement,
   *   camera: HTMLButtonElement, hangup: HTMLButtonElement }} els
   */
  constructor(els) {
    this.els = els;
    /** @type {CallState} */
    this.state = { phase: 'idle', peer: '', since: Date.now(), reason: '', detail: '', muted: false, cameraOff: false };
    /** @type {ReturnType<typeof setInterval>|undefined} */
    this.timer = undefined;
    this.render();
  }

  /** @param {CallState} st */
  set(st) {
    this.state = st;
    clearInterval(this.timer);
    this.timer = undefined;
    if (st.phase === 'connected') this.timer = setInterval(() => this.renderLine(), 1000);
    this.render();
  }

  /** @param {Partial<Pick<CallState, 'muted'|'cameraOff'>>} p */
  patch(p) {
    this.set({ ...this.state, ...p });
  }

  /** @private */
  render() {
    const st = this.state;
    this.renderLine();
    this.els.detail.textContent = st.phase === 'ended' ? st.detail : '';
    this.els.root.dataset.phase = st.phase;
    this.els.mute.setAttribute('aria-pressed', String(st.muted));
    this.els.mute.textContent = st.muted ? 'Unmute' : 'Mute';
    this.els.camera.setAttribute('aria-pressed', String(st.cameraOff));
    this.els.camera.textContent = st.cameraOff ? 'Camera on' : 'Camera off';
    this.els.hangup.disabled = !inCall(st);
  }

  /** @private */
  renderLine() {
    this.els.line.textContent = stateText(this.state, Date.now());
  }
}
