// @ts-check
/**
 * Friendly words for the engine's error codes. The engine's text says what
 * failed; the toast adds what the user can do about it. (Why a call ended
 * is said in ../shared/endtext.js, in the browser client's words too.)
 */

/** @typedef {import('./backend.js').AppError} AppError */
/** @typedef {import('./toasts.js').Toast} Toast */

/**
 * @typedef {Object} Actions
 * @property {() => void} reconnect
 * @property {() => void} openSettings
 * @property {() => void} joinLink  opens the "Join a link" dialog
 */

/**
 * errorToast turns an "error" event into a toast.
 * @param {AppError} err
 * @param {Actions} act
 * @returns {Toast}
 */
export function errorToast(err, act) {
  const base = { detail: err.text, kind: /** @type {const} */ ('error'), key: err.code };
  switch (err.code) {
    case 'media':
      return { ...base, kind: 'warning', title: 'No camera or microphone could be used. Others may not see or hear you.',
        actions: [{ label: 'Device settings', run: act.openSettings }] };
    case 'signaling':
      // A server whose certificate is not the one pinned for it (by an
      // invite link, or a first join on the LAN) is not "unreachable":
      // retrying cannot help, and it may be someone posing as it. The
      // engine's code is only "signaling", so its sentence
      // (signaling/client.IdentityError) tells the case apart.
      if (err.text.includes('identity changed')) {
        return { ...base, sticky: true,
          title: 'This server is not the one you were invited to: its certificate differs from the one the link named. Ask for the link again.',
          actions: [{ label: 'Join a link…', run: act.joinLink }, { label: 'Server settings', run: act.openSettings }] };
      }
      return { ...base, sticky: true, title: 'Cannot reach the Parley server. Check the network or the server address.',
        actions: [{ label: 'Retry', run: act.reconnect }, { label: 'Server settings', run: act.openSettings }] };
    case 'server':
      return { ...base, kind: 'warning', title: err.text, detail: undefined };
    case 'busy':
      return { ...base, kind: 'info', title: 'You are already in a call.' };
    case 'bad-input':
      return { ...base, kind: 'info', title: err.text, detail: undefined };
    case 'settings':
      return { ...base, title: 'Your settings could not be saved.' };
    case 'not-running':
      return { ...base, sticky: true, title: 'The call engine has stopped. Restart Parley.' };
    default:
      return { ...base, title: 'The call ran into a problem.' };
  }
}

/**
 * failedCallToast explains a call that ended because media could not
 * connect: almost always a firewall or NAT that only a TURN relay crosses.
 * @param {Actions} act
 * @returns {Toast}
 */
export function failedCallToast(act) {
  return { kind: 'error', sticky: true, key: 'call-failed',
    title: 'The call could not connect: the network blocked it. Adding a TURN server in Settings usually fixes this.',
    actions: [{ label: 'Open settings', run: act.openSettings }] };
}
