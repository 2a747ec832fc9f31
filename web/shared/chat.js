// @ts-check
/**
 * The chat log and its box, as both pages keep them. Each page draws its
 * own lines (their markup and styles differ) and hands them to append.
 */
import { el } from './dom.js';

/** Older lines are dropped beyond this, so a long session stays light. */
export const MAX_LINES = 500;

export class ChatLog {
  /**
   * @param {HTMLOListElement} log
   * @param {HTMLFormElement} form
   * @param {HTMLInputElement} input
   * @param {(text: string) => Promise<boolean>} send resolves true once the
   *   message is on its way; the box is cleared then, and kept otherwise
   */
  constructor(log, form, input, send) {
    this.log = log;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) return;
      void send(text).then((sent) => { if (sent) input.value = ''; });
    });
  }

  /**
   * append adds a line. The log follows it only when it was scrolled to the
   * bottom: someone reading back is not pulled away.
   * @param {HTMLLIElement} li
   */
  append(li) {
    const atBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 40;
    this.log.append(li);
    while (this.log.children.length > MAX_LINES) this.log.firstElementChild?.remove();
    if (atBottom) this.log.scrollTop = this.log.scrollHeight;
  }
}

/**
 * timeEl is a message's time as hours and minutes, with the full time in
 * its datetime attribute; empty for a time that is not one.
 * @param {Date} at
 * @param {string} [className]
 */
export function timeEl(at, className) {
  const valid = !Number.isNaN(at.getTime());
  return el('time', {
    class: className,
    text: valid ? at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '',
    datetime: valid ? at.toISOString() : undefined,
  });
}
