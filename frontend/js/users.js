// @ts-check
/** The list of online users: search, click to call, yourself marked. */
import { el } from './dom.js';

/**
 * @typedef {Object} User
 * @property {string} name
 * @property {boolean} self
 */

export class UserList {
  /**
   * @param {HTMLUListElement} list
   * @param {HTMLInputElement} search
   * @param {(name: string) => void} onCall
   */
  constructor(list, search, onCall) {
    this.list = list;
    this.search = search;
    this.onCall = onCall;
    /** @type {User[]} */
    this.users = [];
    this.canCall = true;
    search.addEventListener('input', () => this.render());
  }

  /**
   * @param {string[]} names  everyone online, this user included
   * @param {string} self     this user's name ("" before login)
   */
  set(names, self) {
    this.users = names.map((name) => ({ name, self: name === self }))
      .sort((a, b) => Number(b.self) - Number(a.self) || a.name.localeCompare(b.name));
    this.render();
  }

  /** Enables the call buttons (no call in progress). @param {boolean} can */
  setCanCall(can) {
    this.canCall = can;
    this.render();
  }

  /** @private */
  render() {
    const q = this.search.value.trim().toLocaleLowerCase();
    const shown = this.users.filter((u) => !q || u.name.toLocaleLowerCase().includes(q));
    this.list.replaceChildren(...shown.map((u) => this.item(u)));
    if (shown.length === 0) {
      this.list.append(el('li', { class: 'empty', text: this.users.length ? 'Nobody matches the search' : 'Nobody is online yet' }));
    }
  }

  /**
   * @private
   * @param {User} u
   */
  item(u) {
    const label = el('span', { class: 'user-name', text: u.name });
    if (u.self) {
      return el('li', { class: 'user self' }, label, el('span', { class: 'tag', text: 'you' }));
    }
    const btn = el('button', {
      type: 'button', class: 'user-call', text: 'Call',
      title: `Call ${u.name}`, disabled: !this.canCall,
      onclick: () => this.onCall(u.name),
    });
    return el('li', { class: 'user' }, label, btn);
  }
}
