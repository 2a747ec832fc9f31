// @ts-check
/** Chat: messages from everyone on the server, and a box to send one. */
import { el, errorText } from './dom.js';

/** @typedef {import('./backend.js').ChatMessage} ChatMessage */

/** Older messages are removed beyond this many, to bound the page. */
const MAX_MESSAGES = 500;

export class Chat {
  /**
   * @param {HTMLOListElement} log
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(text: string) => Promise<void>} send
   * @param {(message: string) => void} onError
   */
  constructor(log, form, input, send, onError) {
    this.log = log;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      send(text).then(() => { input.value = ''; }, (e) => onError(errorText(e)));
    });
  }

  /**
   * @param {ChatMessage} m
   * @param {boolean} self  the message is this user's own, echoed by the server
   */
  add(m, self) {
    const at = new Date(m.at);
    const valid = !Number.isNaN(at.getTime());
    const time = valid ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    this.log.append(el('li', { class: self ? 'msg self' : 'msg' },
      el('span', { class: 'msg-from', text: m.from }),
      el('time', { class: 'msg-time', text: time, datetime: valid ? at.toISOString() : undefined }),
      el('div', { class: 'msg-text', text: m.text })));
    while (this.log.children.length > MAX_MESSAGES) this.log.firstElementChild?.remove();
    this.log.lastElementChild?.scrollIntoView({ block: 'end' });
  }
}
