// @ts-check
/**
 * What the peer said it sends (media-state), shown over their picture on
 * both pages: a cover with their name while their camera is off, instead
 * of a frozen or black last picture, and a badge while they are muted. The
 * elements are made here, so the pages share the markup as well as the
 * behaviour; peermedia.css next to this file styles them.
 */
import { el } from './dom.js';

/** What the peer sends, as its media-state said; null when not known. */
/** @typedef {{ video: boolean, audio: boolean }} PeerMedia */

export class PeerMediaView {
  /**
   * @param {HTMLElement} stage  the positioned box that holds the peer's picture
   * @param {Element} before     the element the cover and badge go before (the
   *   local preview, which stays on top of them)
   */
  constructor(stage, before) {
    this.initial = el('span', { class: 'peer-initial', 'aria-hidden': 'true' });
    this.name = el('strong', { class: 'peer-name' });
    this.cover = el('div', { class: 'peer-camera-off', role: 'status', hidden: true },
      this.initial, ' ', this.name, ' ', el('span', { class: 'peer-note', text: 'Camera off' }));
    this.muted = el('p', { class: 'peer-muted', role: 'status', hidden: true }, mutedIcon(), ' ', el('span', { text: 'Muted' }));
    stage.insertBefore(this.cover, before);
    stage.insertBefore(this.muted, before);
  }

  /**
   * Shows name's media state; media null hides both (no call, or a peer
   * that never says, as MDN's client).
   * @param {string} name
   * @param {PeerMedia | null | undefined} media
   */
  render(name, media) {
    const shown = media ? name : '';
    this.name.textContent = shown;
    this.initial.textContent = [...shown][0]?.toUpperCase() ?? '';
    this.cover.hidden = !media || media.video;
    this.muted.hidden = !media || media.audio;
    this.muted.title = media && !media.audio ? `${shown} is muted` : '';
  }
}

/** A crossed-out microphone. */
function mutedIcon() {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  for (const [k, v] of Object.entries({ viewBox: '0 0 24 24', width: '16', height: '16', 'aria-hidden': 'true', focusable: 'false' })) {
    svg.setAttribute(k, v);
  }
  const mic = document.createElementNS(ns, 'path');
  mic.setAttribute('fill', 'currentColor');
  mic.setAttribute('d', 'M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1A7 7 0 0 0 19 11h-2z');
  const cross = document.createElementNS(ns, 'path');
  for (const [k, v] of Object.entries({ stroke: 'currentColor', 'stroke-width': '2', 'stroke-linecap': 'round', d: 'M4 4l16 16' })) {
    cross.setAttribute(k, v);
  }
  svg.append(mic, cross);
  return svg;
}
