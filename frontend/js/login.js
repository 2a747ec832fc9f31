// @ts-check
/** Joining the signaling server under a name, and showing the connection. */
import { errorText } from '../shared/dom.js';

/** @typedef {import('./backend.js').SignalingEvent} SignalingEvent */

export class Login {
  /**
   * @param {{ form: HTMLFormElement, input: HTMLInputElement, status: HTMLElement }} els
   * @param {(name: string) => Promise<string>} login  resolves with the assigned name
   * @param {(title: string, detail?: string) => void} notify
   */
  constructor(els, login, notify) {
    this.els = els;
    els.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const name = els.input.value.trim();
      if (!name) return;
      login(name).then((assigned) => {
        if (assigned !== name) notify(`“${name}” was taken, so you are “${assigned}”.`);
      }, (e) => notify('Could not join the server.', errorText(e)));
    });
    // index.html ships Join disabled until this handler is in place.
    const join = els.form.querySelector('button[type=submit]');
    if (join instanceof HTMLButtonElement) join.disabled = false;
  }

  /** Pre-fills the name field (from the settings' display name). @param {string} name */
  suggest(name) {
    if (!this.els.input.value) this.els.input.value = name;
  }

  /**
   * @param {SignalingEvent} s
   * @param {string} name  our name on the server, "" before login
   */
  set(s, name) {
    const { form, status } = this.els;
    const where = s.server ? ` (${s.server})` : '';
    switch (s.status) {
      case 'online':
        status.textContent = name ? `Online as ${name}` : `Online${where}, choose a name`;
        break;
      case 'connecting':
        status.textContent = `Connecting${where}…`;
        break;
      case 'reconnecting':
        status.textContent = `Reconnecting${where}… calls go on`;
        break;
      default:
        status.textContent = `Offline${where}`;
    }
    status.dataset.status = s.status;
    form.hidden = s.status === 'online' && name !== '';
  }
}
