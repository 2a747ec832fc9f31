// @ts-check
/**
 * The list of people online: kept from "userlist" (full) or
 * "user-joined"/"user-left" (deltas), shown without oneself, filtered by the
 * search box, each name a button that places a call.
 */
import { el } from '../shared/dom.js';
import { emptyText, matching } from '../shared/users.js';

export class UserList {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLInputElement} filter
   * @param {HTMLElement} empty shown when nobody (matching) is online
   * @param {HTMLElement} count
   * @param {(name: string) => void} onCall
   */
  constructor(list, filter, empty, count, onCall) {
    this.list = list;
    this.filter = filter;
    this.empty = empty;
    this.count = count;
    this.onCall = onCall;
    /** @type {Set<string>} */
    this.users = new Set();
    this.self = '';
    this.busy = false;
    filter.addEventListener('input', () => this.render());
  }

  /** @param {string} name */
  setSelf(name) {
    this.self = name;
    this.render();
  }

  /** @param {string[]} names */
  replace(names) {
    this.users = new Set(names);
    this.render();
  }

  /** @param {string} name */
  add(name) {
    this.users.add(name);
    this.render();
  }

  /** @param {string} name */
  remove(name) {
    this.users.delete(name);
    this.render();
  }

  /** @param {string} name */
  has(name) {
    return this.users.has(name);
  }

  /** Disables calling while a call is under way. @param {boolean} busy */
  setBusy(busy) {
    if (busy === this.busy) return; // re-rendering would replace the buttons under the pointer
    this.busy = busy;
    this.render();
  }

  render() {
    const others = [...this.users].filter((n) => n !== this.self);
    const shown = matching(others, this.filter.value);
    this.list.replaceChildren(
      ...shown.map((name) => el('li', {},
        el('button', {
          type: 'button', class: 'user', text: name, 'data-name': name,
          title: `Call ${name}`, disabled: this.busy,
          onclick: () => this.onCall(name),
        }))),
    );
    this.count.textContent = others.length ? String(others.length) : '';
    this.empty.textContent = emptyText(others.length);
    this.empty.hidden = shown.length > 0;
  }
}
