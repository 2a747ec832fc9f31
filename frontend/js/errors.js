// @ts-check
/**
 * Friendly words for the engine's error codes. The engine's message is
 * technical (it names sockets and protocols); the user first reads what
 * happened and what to do, and can read the detail below it.
 */

/** @typedef {import('./backend.js').AppError} AppError */
/** @typedef {import('./toasts.js').Toast} Toast */

/**
 * errorToast turns an "error" event into a toast.
 * @param {AppError} err
 * @param {{ reconnect: () => void, openSettings: () => void }} act
 * @returns {Toast}
 */
export function errorToast(err, act) {
  const base = { detail: err.message, kind: /** @type {const} */ ('error'), key: err.code };
  switch (err.code) {
    case 'no-camera':
      return { ...base, kind: 'warning', title: 'No camera found. Others see your name instead of your video.',
        actions: [{ label: 'Camera settings', run: act.openSettings }] };
    case 'no-microphone':
      return { ...base, kind: 'warning', title: 'No microphone found. Others cannot hear you.',
        actions: [{ label: 'Microphone settings', run: act.openSettings }] };
    case 'signaling-unreachable':
      return { ...base, sticky: true, title: 'Cannot reach the Parley server. Check the network or the server address.',
        actions: [{ label: 'Retry', run: act.reconnect }, { label: 'Server settings', run: act.openSettings }] };
    case 'ice-failed':
      return { ...base, sticky: true,
        title: 'The call could not connect: the network blocked it. Adding a TURN server in Settings usually fixes this.',
        actions: [{ label: 'Open settings', run: act.openSettings }] };
    case 'call-failed':
      return { ...base, title: 'The call failed.' };
    case 'settings':
      return { ...base, title: 'Your settings could not be saved.' };
    default:
      return { ...base, title: 'Something went wrong in Parley.' };
  }
}

/**
 * endText says why a call ended.
 * @param {import('./backend.js').EndReason|''} reason
 */
export function endText(reason) {
  switch (reason) {
    case 'hangup': return 'Call ended';
    case 'remote-hangup': return 'The other side hung up';
    case 'declined': return 'Call declined';
    case 'busy': return 'Busy: already in another call';
    case 'no-answer': return 'No answer';
    case 'unreachable': return 'Could not reach them: they went offline';
    case 'ice-failed': return 'Call failed: the network blocked it (try a TURN server)';
    case 'failed': return 'Call failed';
    default: return 'Call ended';
  }
}
