// @ts-check
/** The list of online users: search, click to call, yourself marked. */
import { el } from '../shared/dom.js';
import { emptyText, matching } from '../shared/users.js';

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
    /** @type {string[]} everyone online, this user included */
    this.names = [];
    this.self = '';
    this.canCall = true;
    search.addEventListener('input', () => this.render());
  }

  /**
   * @param {string[]} names  everyone online, this user included
   * @param {string} self     this user's name ("" before login)
   */
  set(names, self) {
    this.names = names;
    this.self = self;
    this.render();
  }

  /** Enables the call buttons (no call in progress). @param {boolean} can */
  setCanCall(can) {
    this.canCall = can;
    this.render();
  }

  /** @private */
  render() {
    const q = this.search.value;
    const others = this.names.filter((n) => n !== this.self);
    const me = this.names.includes(this.self) ? matching([this.self], q) : [];
    this.list.replaceChildren(...me.map((n) => this.selfItem(n)), ...matching(others, q).map((n) => this.item(n)));
    if (this.list.children.length === 0) this.list.append(el('li', { class: 'empty', text: emptyText(others.length) }));
  }

  /**
   * @private
   * @param {string} name
   */
  selfItem(name) {
    return el('li', { class: 'user self' }, el('span', { class: 'user-name', text: name }), el('span', { class: 'tag', text: 'you' }));
  }

  /**
   * @private
   * @param {string} name
   */
  item(name) {
    const btn = el('button', {
      type: 'button', class: 'user-call', text: 'Call',
      title: `Call ${name}`, disabled: !this.canCall,
      onclick: () => this.onCall(name),
    });
    return el('li', { class: 'user' }, el('span', { class: 'user-name', text: name }), btn);
  }
}
