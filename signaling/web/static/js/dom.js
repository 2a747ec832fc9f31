// @ts-check
/**
 * DOM helpers. Everything a user or the server supplies (names, chat, error
 * details) goes into the page through textContent only, so a name like
 * `<img src=x onerror=…>` is shown as the characters it is and never parsed.
 */

/**
 * Returns the element with the id, checked against the expected type, so a
 * renamed id in index.html fails loudly at start-up instead of later.
 * @template {HTMLElement} T
 * @param {string} id
 * @param {{new (): T, prototype: T}} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing or not a ${type.name}`);
  return el;
}

/**
 * Creates an element holding plain text.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string} text
 * @param {string} [className]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function textEl(tag, text, className) {
  const el = document.createElement(tag);
  el.textContent = text;
  if (className) el.className = className;
  return el;
}

/**
 * Replaces a select's options, keeping the chosen value when it still exists.
 * @param {HTMLSelectElement} select
 * @param {{value: string, label: string}[]} options
 */
export function setOptions(select, options) {
  const keep = select.value;
  select.replaceChildren(
    ...options.map((o) => {
      const opt = textEl('option', o.label);
      opt.value = o.value;
      return opt;
    }),
  );
  if (options.some((o) => o.value === keep)) select.value = keep;
}

/**
 * m:ss or h:mm:ss for the call timer.
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
