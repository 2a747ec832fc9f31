// @ts-check
/** What both pages' lists of people online share: the search and its words. */

/**
 * matching returns the names that contain the search query, ignoring case
 * and surrounding spaces, in alphabetical order.
 * @param {Iterable<string>} names
 * @param {string} query
 * @returns {string[]}
 */
export function matching(names, query) {
  const q = query.trim().toLocaleLowerCase();
  return [...names].filter((n) => !q || n.toLocaleLowerCase().includes(q)).sort((a, b) => a.localeCompare(b));
}

/**
 * emptyText is what an empty list says: whether anyone else is online, or
 * only nobody who matches the search.
 * @param {number} others  the people online besides this user
 */
export function emptyText(others) {
  return others ? 'Nobody matches your search.' : 'Nobody else is here yet.';
}

