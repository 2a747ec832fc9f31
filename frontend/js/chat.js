// @ts-check
/** Chat: messages from everyone on the server, and a box to send one. */
import { ChatLog, timeEl } from '../shared/chat.js';
import { el, errorText } from '../shared/dom.js';

/** @typedef {import('./backend.js').ChatMessage} ChatMessage */

export class Chat extends ChatLog {
  /**
   * @param {HTMLOListElement} log
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(text: string) => Promise<void>} send
   * @param {(message: string) => void} onError
   */
  constructor(log, form, input, send, onError) {
    super(log, form, input, (text) => send(text).then(() => true, (e) => { onError(errorText(e)); return false; }));
  }

  /**
   * @param {ChatMessage} m
   * @param {boolean} self  the message is this user's own, echoed by the server
   */
  add(m, self) {
    this.append(el('li', { class: self ? 'msg self' : 'msg' },
      el('span', { class: 'msg-from', text: m.from }),
      timeEl(new Date(m.at), 'msg-time'),
      el('div', { class: 'msg-text', text: m.text })));
  }
}
