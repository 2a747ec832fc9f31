// @ts-check
/** Toasts: short notices in a corner, with optional action buttons. */
import { el } from '../shared/dom.js';

/**
 * @typedef {Object} ToastAction
 * @property {string} label
 * @property {() => void} run  the toast closes after it runs
 */

/**
 * @typedef {Object} Toast
 * @property {string} title         what happened, in the user's words
 * @property {string} [detail]      technical detail, shown small
 * @property {'error'|'warning'|'info'} [kind]
 * @property {ToastAction[]} [actions]
 * @property {boolean} [sticky]     stays until dismissed (errors that need an action)
 * @property {string} [key]         a new toast with the same key replaces the old one
 */

/** How long a non-sticky toast stays. */
const TOAST_MS = 8000;

export class Toasts {
  /** @param {HTMLElement} container */
  constructor(container) {
    this.container = container;
    /** @type {Map<string, () => void>} */
    this.byKey = new Map();
  }

  /**
   * @param {Toast} t
   * @returns {() => void} closes the toast
   */
  show(t) {
    if (t.key) this.byKey.get(t.key)?.();
    const kind = t.kind ?? 'info';
    const node = el('div', { class: `toast ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
      el('div', { class: 'toast-title', text: t.title }),
      t.detail ? el('div', { class: 'toast-detail', text: t.detail }) : null);
    let timer = 0;
    const close = () => {
      clearTimeout(timer);
      node.remove();
      if (t.key && this.byKey.get(t.key) === close) this.byKey.delete(t.key);
    };
    const buttons = el('div', { class: 'toast-actions' });
    for (const a of t.actions ?? []) {
      buttons.append(el('button', { type: 'button', text: a.label, onclick: () => { close(); a.run(); } }));
    }
    buttons.append(el('button', { type: 'button', class: 'toast-close', 'aria-label': 'Dismiss', text: '×', onclick: close }));
    node.append(buttons);
    this.container.append(node);
    if (!t.sticky) timer = window.setTimeout(close, TOAST_MS);
    if (t.key) this.byKey.set(t.key, close);
    return close;
  }

  /** Closes the toast with key, if shown. @param {string} key */
  dismiss(key) {
    this.byKey.get(key)?.();
  }
}
