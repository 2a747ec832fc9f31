// @ts-check
/**
 * The wire shapes of Parley's signaling protocol, as JSDoc types, and the
 * sentences the client shows for its codes. The Go package
 * signaling/protocol is the source of truth; this file mirrors it so the
 * type checker catches a misspelt field here rather than a silent drop on
 * the server.
 */

/**
 * One signaling frame. Only the fields that belong to `type` are set.
 * @typedef {object} Message
 * @property {string} type
 * @property {number} [id]
 * @property {string} [name]
 * @property {string} [target]
 * @property {number} [date]
 * @property {string} [text]
 * @property {string[]} [users]
 * @property {RTCSessionDescriptionInit} [sdp]
 * @property {RTCIceCandidateInit} [candidate]
 * @property {string} [reason]
 * @property {string[]} [features]
 * @property {RTCIceServer[]} [iceServers]
 * @property {string} [resume]
 * @property {string} [code]
 * @property {string} [message]
 * @property {string} [about]
 * @property {string} [user]
 * @property {boolean} [audio] media-state: the sender sends sound
 * @property {boolean} [video] media-state: the sender sends pictures
 */

/** The WebSocket subprotocol the server (and MDN's client) speaks. */
export const SUBPROTOCOL = 'json';

/** Features this client asks for in "hello". */
export const FEATURES = ['user-delta'];

/**
 * Close code of a connection whose name a newer connection took over with
 * the resume token (protocol.CloseReplaced): the user is online elsewhere,
 * so reconnecting would only fight over the name.
 */
export const CLOSE_REPLACED = 4000;

/** Limits the server enforces (protocol.MaxNameRunes, MaxTextRunes). */
export const MAX_NAME = 32;
export const MAX_TEXT = 4096;

/** Hang-up reasons (protocol.Reason*). */
export const Reason = Object.freeze({
  HangUp: 'hang-up',
  Declined: 'declined',
  Busy: 'busy',
  Disconnected: 'disconnected',
  Failed: 'failed',
  NoAnswer: 'no-answer',
});

/**
 * The sentence for a server "error" message, by code (protocol.Err*).
 * @param {Message} m
 * @returns {string}
 */
export function serverErrorText(m) {
  switch (m.code) {
    case 'bad-json':
      return `The server could not read a message from this page (${m.message || 'malformed'}); reload the page.`;
    case 'missing-field':
      return `The server rejected a message from this page (${m.message || 'a field is missing'}).`;
    case 'unsupported':
      return `The server does not handle that request (${m.message || 'unsupported'}).`;
    case 'no-such-user':
      return `${m.user || 'That user'} is not online.`;
    case 'bad-name':
      return `That name cannot be used: ${m.message || 'choose another one'}.`;
    case 'text-too-long':
      return `Your message is too long (at most ${MAX_TEXT} characters).`;
    case 'too-large':
      return 'A message was too large for the server.';
    case 'rate-limited':
      return 'You are sending too fast; slow down a little.';
    case 'not-registered':
      return 'You are not signed in yet.';
    case 'unauthorized':
      return `The server refused access: ${m.message || 'missing or wrong token'}. Open the link you were given (it ends in ?token=…) again.`;
    case 'too-many-clients':
      return 'Too many connections from your address.';
    case 'internal':
      return 'The server had a problem; try again.';
    default:
      return `The server reported an error: ${m.message || m.code || 'unknown'}.`;
  }
}

/**
 * The names a user-joined or user-left frame carries. More than 16 changes
 * in one interval arrive as one frame with a "users" batch and no "name".
 * @param {Message} m
 * @returns {string[]}
 */
export function deltaNames(m) {
  return m.users ?? (m.name ? [m.name] : []);
}
