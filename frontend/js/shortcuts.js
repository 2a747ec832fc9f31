// @ts-check
/**
 * Keyboard shortcuts: M mute, V camera, Ctrl+E or Escape hang up. Letters
 * are ignored while typing in a field; Escape first closes an open panel or
 * dialog (the browser handles dialogs) and hangs up only otherwise.
 */

/**
 * @param {{ toggleMute: () => void, toggleCamera: () => void, hangUp: () => void, closePanel: () => boolean }} act
 *   closePanel returns true if it closed something
 */
export function installShortcuts(act) {
  document.addEventListener('keydown', (ev) => {
    if (ev.defaultPrevented || ev.repeat) return;
    const t = ev.target;
    const typing = t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement;
    if (ev.ctrlKey && !ev.altKey && !ev.metaKey && ev.key.toLowerCase() === 'e') {
      ev.preventDefault();
      act.hangUp();
      return;
    }
    if (ev.key === 'Escape') {
      if (document.querySelector('dialog[open]')) return;
      if (!act.closePanel()) act.hangUp();
      return;
    }
    if (typing || ev.ctrlKey || ev.altKey || ev.metaKey) return;
    switch (ev.key.toLowerCase()) {
      case 'm': ev.preventDefault(); act.toggleMute(); break;
      case 'v': ev.preventDefault(); act.toggleCamera(); break;
    }
  });
}
