// @ts-check
/**
 * DOM helpers for both pages. Everything a user or a server supplies
 * (names, chat, error details) goes into the page through textContent only,
 * so a name like `<img src=x onerror=…>` is shown as the characters it is
 * and never parsed.
 */

/**
 * el creates an element with properties and children; string children
 * become text nodes.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Partial<Record<string, string|boolean|number|((e: any) => void)>>} [props]
 *   attributes; "class" sets className, "text" sets textContent, on* are listeners
 * @param {...(Node|string|null|undefined|false)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined || v === false) continue;
    if (k === 'class') e.className = String(v);
    else if (k === 'text') e.textContent = String(v);
    else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
    else if (v === true) e.setAttribute(k, '');
    else e.setAttribute(k, String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    e.append(typeof c === 'string' ? document.createTextNode(c) : c);
  }
  return e;
}

/**
 * byId returns the element with id, of the expected type, or throws: a
 * renamed id in index.html fails loudly at start-up instead of later.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{new (): T, prototype: T}} type
 * @returns {T}
 */
export function byId(id, type) {
  const e = document.getElementById(id);
  if (!(e instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return e;
}

/**
 * errorText turns a rejected Promise's reason (Wails rejects with a string)
 * into a message.
 * @param {unknown} e
 */
export function errorText(e) {
  if (e instanceof Error) return e.message;
  return String(e);
}

/**
 * setOptions replaces a select's options, keeping the chosen value when it
 * still exists.
 * @param {HTMLSelectElement} select
 * @param {{value: string, label: string}[]} options
 */
export function setOptions(select, options) {
  const keep = select.value;
  select.replaceChildren(...options.map((o) => el('option', { value: o.value, text: o.label })));
  if (options.some((o) => o.value === keep)) select.value = keep;
}

/**
 * formatDuration is the call timer: m:ss, or h:mm:ss from an hour on.
 * @param {number} ms
 * @returns {string}
 */
export function formatDuration(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${sec}` : `${m}:${sec}`;
}
