// @ts-check
/**
 * The "Join a link" dialog: paste another Parley desktop's invite link
 * (https://HOST:PORT/?fp=… or parley://…), and the engine signs in to that
 * server holding it to the certificate the link names.
 */
import { errorText } from '../shared/dom.js';

export class JoinDialog {
  /**
   * @param {{ dialog: HTMLDialogElement, form: HTMLFormElement, input: HTMLInputElement, error: HTMLElement }} els
   * @param {(link: string) => Promise<void>} join  rejects with a sentence when the link is unusable
   * @param {(where: string) => void} onJoining  the link was accepted; where is its host:port
   */
  constructor(els, join, onJoining) {
    this.els = els;
    const { dialog, form, input, error } = els;
    this.submit = /** @type {HTMLButtonElement|null} */ (form.querySelector('[data-act=join]'));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      const link = input.value.trim();
      if (!link) {
        this.fail('Paste the invite link first.');
        return;
      }
      error.textContent = '';
      // One attempt at a time: a second Enter while the first is under way
      // would save and reconnect twice.
      if (this.submit) this.submit.disabled = true;
      try {
        await join(link);
      } catch (e) {
        // The engine's sentence says what is wrong with the link; the
        // dialog stays so that it can be corrected.
        this.fail(errorText(e));
        return;
      } finally {
        if (this.submit) this.submit.disabled = false;
      }
      this.close();
      onJoining(linkHost(link));
    });
    form.querySelector('[data-act=cancel]')?.addEventListener('click', () => this.close());
    input.addEventListener('input', () => { error.textContent = ''; });
    // Escape closes the dialog by itself (its "cancel" event); nothing to undo.
    dialog.addEventListener('close', () => { error.textContent = ''; });
  }

  open() {
    const { dialog, input, error } = this.els;
    error.textContent = '';
    input.value = '';
    if (!dialog.open) dialog.showModal();
    input.focus();
  }

  close() {
    if (this.els.dialog.open) this.els.dialog.close();
  }

  get isOpen() {
    return this.els.dialog.open;
  }

  /**
   * fail shows why the link was not joined and puts the caret back in it.
   * @private
   * @param {string} text
   */
  fail(text) {
    this.els.error.textContent = text;
    this.els.input.focus();
    this.els.input.select();
  }
}

/**
 * linkHost is the server an invite link names (host:port), for the
 * "Joining …" notice; the link itself when it does not parse as a URL (the
 * engine accepted it, so it knows better).
 * @param {string} link
 */
export function linkHost(link) {
  try {
    return new URL(link).host || link;
  } catch {
    return link;
  }
}
