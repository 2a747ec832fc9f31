// @ts-check
/**
 * The chat panel. The server broadcasts every "message" to everyone,
 * including its sender, with the sender's registered name, so the log shows
 * exactly what others saw and in the server's order.
 */
import { ChatLog, timeEl } from '../shared/chat.js';
import { el } from '../shared/dom.js';
import { MAX_TEXT } from './protocol.js';

export class Chat extends ChatLog {
  /**
   * @param {HTMLOListElement} log
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(text: string) => boolean} send returns false when the message could not be sent
   */
  constructor(log, form, input, send) {
    super(log, form, input, async (text) => send(text));
    this.self = '';
    input.maxLength = MAX_TEXT;
  }

  /**
   * @param {string} name
   * @param {string} text
   * @param {number | undefined} date milliseconds since the epoch
   */
  add(name, text, date) {
    this.append(el('li', { class: name === this.self ? 'mine' : undefined },
      timeEl(new Date(date || Date.now())),
      el('span', { class: 'who', text: name }),
      el('span', { class: 'text', text })));
  }

  /** A line from the client itself (someone joined, a call ended). @param {string} text */
  system(text) {
    this.append(el('li', { class: 'system', text }));
  }
}
