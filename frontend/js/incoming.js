// @ts-check
/**
 * The incoming-call dialog: the caller's name, Accept, Decline. The ring is
 * Go's: it plays on the speaker chosen in Settings for as long as the call
 * rings, whatever the page does.
 */

export class IncomingDialog {
  /**
   * @param {HTMLDialogElement} dialog
   * @param {HTMLElement} caller  where the caller's name goes
   * @param {{ accept: () => void, decline: () => void }} act
   */
  constructor(dialog, caller, act) {
    this.dialog = dialog;
    this.caller = caller;
    dialog.querySelector('[data-act=accept]')?.addEventListener('click', () => { this.close(); act.accept(); });
    dialog.querySelector('[data-act=decline]')?.addEventListener('click', () => { this.close(); act.decline(); });
    // Escape on a modal dialog means "decline", not "ignore".
    dialog.addEventListener('cancel', (ev) => { ev.preventDefault(); this.close(); act.decline(); });
  }

  /** @param {string} from */
  open(from) {
    this.caller.textContent = from;
    if (!this.dialog.open) this.dialog.showModal();
  }

  close() {
    if (this.dialog.open) this.dialog.close();
  }

  get isOpen() {
    return this.dialog.open;
  }
}
