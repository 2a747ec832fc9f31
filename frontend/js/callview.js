// @ts-check
/**
 * CallView shows the call: the state line (calling…, ringing, connecting,
 * in a call with a timer, ended with its reason), the control bar's state,
 * which panes are visible (body[data-phase]), and over the peer's picture
 * what the peer said it sends: its name with "Camera off" instead of a
 * frozen last picture, and a muted-microphone badge.
 */
import { formatDuration } from '../shared/dom.js';
import { endText } from '../shared/endtext.js';
/** @typedef {import('../shared/peermedia.js').PeerMediaView} PeerMediaView */

/** @typedef {import('./backend.js').CallState} CallState */
/** @typedef {import('./backend.js').PeerMedia} PeerMedia */

/** How long the end of a call stays on the state line. */
const END_SHOWN_MS = 8000;

/**
 * stateText is the state line for st at time now (ms). incoming says
 * whether the call was to this side (see endText).
 * @param {CallState} st
 * @param {number} now
 * @param {boolean} incoming
 */
export function stateText(st, now, incoming) {
  const peer = st.peer ?? '';
  switch (st.state) {
    case 'idle': return 'Not in a call';
    case 'calling': return `Calling ${peer}…`;
    case 'ringing': return `${peer} is calling`;
    case 'connecting': return `Connecting to ${peer}…`;
    case 'in-call': return `In a call with ${peer} · ${formatDuration(now - st.since)}`;
    case 'ended': return endText(st.reason ?? '', peer, incoming);
  }
  return '';
}

/** Whether a call is in progress (hang-up makes sense). @param {CallState} st */
export function inCall(st) {
  return st.state === 'calling' || st.state === 'connecting' || st.state === 'in-call';
}

/**
 * The peer of a call that is still on (ringing included), or ''. A peer's
 * media state is kept for this peer only.
 * @param {CallState} st
 */
function callPeer(st) {
  return st.state === 'idle' || st.state === 'ended' ? '' : st.peer ?? '';
}

export class CallView {
  /**
   * @param {{ root: HTMLElement, line: HTMLElement, mute: HTMLButtonElement,
   *   camera: HTMLButtonElement, hangup: HTMLButtonElement, peer: PeerMediaView }} els
   */
  constructor(els) {
    this.els = els;
    /** @type {CallState} */
    this.state = { state: 'idle', since: Date.now() };
    this.muted = false;
    this.cameraOff = false;
    /** @type {PeerMedia|null} what the call's peer last said it sends; null: unknown, both on */
    this.peerMedia = null;
    /**
     * Whether the call was to this side: the engine's end reason does not
     * say who declined, or who did not answer.
     */
    this.incoming = false;
    /** @type {{ reason: string, peer: string, at: number }|null} the last end, shown for a while after */
    this.lastEnd = null;
    /** @type {ReturnType<typeof setTimeout>|undefined} */
    this.endTimer = undefined;
    /** @type {ReturnType<typeof setInterval>|undefined} */
    this.timer = undefined;
    this.render();
  }

  /** @param {CallState} st */
  set(st) {
    if (st.state === 'ringing') this.incoming = true;
    else if (st.state === 'calling') this.incoming = false;
    this.state = st;
    if (this.peerMedia && callPeer(st) !== this.peerMedia.peer) this.peerMedia = null;
    // The engine reports ended and then idle at once; the reason stays on
    // the state line a while so that the user can read it.
    if (st.state === 'ended') {
      this.lastEnd = { reason: st.reason ?? '', peer: st.peer ?? '', at: Date.now() };
      clearTimeout(this.endTimer);
      this.endTimer = setTimeout(() => this.renderLine(), END_SHOWN_MS + 50);
    } else if (st.state !== 'idle') {
      this.lastEnd = null;
    }
    clearInterval(this.timer);
    this.timer = undefined;
    if (st.state === 'in-call') this.timer = setInterval(() => this.renderLine(), 1000);
    this.render();
  }

  /** Shows the microphone and camera toggles. @param {{ muted?: boolean, cameraOff?: boolean }} p */
  setToggles(p) {
    this.muted = p.muted ?? this.muted;
    this.cameraOff = p.cameraOff ?? this.cameraOff;
    this.render();
  }

  /**
   * Shows what the call's peer says it sends. A state for anyone but the
   * current call's peer (a late event from an ended call) is dropped; one
   * that overtakes the "state" event (Wails' dev server may deliver events
   * out of order) is kept from ringing on.
   * @param {PeerMedia|null} pm
   */
  setPeerMedia(pm) {
    if (pm && pm.peer !== callPeer(this.state)) return;
    this.peerMedia = pm;
    this.renderPeer();
  }

  /** @private */
  render() {
    const st = this.state;
    this.renderLine();
    this.els.root.dataset.phase = st.state;
    this.els.root.dataset.cameraOff = String(this.cameraOff);
    this.els.mute.setAttribute('aria-pressed', String(this.muted));
    this.els.mute.textContent = this.muted ? 'Unmute' : 'Mute';
    this.els.camera.setAttribute('aria-pressed', String(this.cameraOff));
    this.els.camera.textContent = this.cameraOff ? 'Camera on' : 'Camera off';
    this.els.hangup.disabled = !inCall(st);
    this.renderPeer();
  }

  /** @private */
  renderPeer() {
    const pm = this.state.state === 'in-call' ? this.peerMedia : null;
    this.els.peer.render(pm?.peer ?? '', pm);
  }

  /** @private */
  renderLine() {
    const now = Date.now();
    const end = this.lastEnd;
    if (this.state.state === 'idle' && end && now - end.at < END_SHOWN_MS) {
      this.els.line.textContent = endText(end.reason, end.peer, this.incoming);
      return;
    }
    this.els.line.textContent = stateText(this.state, now, this.incoming);
  }
}
