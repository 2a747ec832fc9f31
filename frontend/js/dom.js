// @ts-check
/**
 * Small DOM helpers. Text always goes in through textContent: names and chat
 * come from other people, and nothing they send may become markup.
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
 * missing element is a bug in index.html, better found at once.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
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
