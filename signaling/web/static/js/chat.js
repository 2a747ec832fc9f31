// @ts-check
/**
 * The chat panel. The server broadcasts every "message" to everyone,
 * including its sender, with the sender's registered name, so the log shows
 * exactly what others saw and in the server's order.
 */
import { textEl } from './dom.js';
import { MAX_TEXT } from './protocol.js';

/** Older lines are dropped beyond this, so a long session stays light. */
const MAX_LINES = 500;

export class Chat {
  /**
   * @param {HTMLOListElement} log
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(text: string) => boolean} send returns false when the message could not be sent
   */
  constructor(log, form, input, send) {
    this.log = log;
    this.self = '';
    input.maxLength = MAX_TEXT;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      if (send(text)) input.value = '';
    });
  }

  /**
   * @param {string} name
   * @param {string} text
   * @param {number | undefined} date milliseconds since the epoch
   */
  add(name, text, date) {
    const li = document.createElement('li');
    if (name === this.self) li.className = 'mine';
    const when = new Date(date || Date.now());
    const time = textEl('time', when.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }));
    time.dateTime = when.toISOString();
    li.append(time, textEl('span', name, 'who'), textEl('span', text, 'text'));
    this.append(li);
  }

  /** A line from the client itself (someone joined, a call ended). @param {string} text */
  system(text) {
    this.append(textEl('li', text, 'system'));
  }

  /** @param {HTMLLIElement} li */
  append(li) {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(li);
    while (this.log.children.length > MAX_LINES) this.log.firstElementChild?.remove();
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }
}
