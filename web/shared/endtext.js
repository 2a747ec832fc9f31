// @ts-check
/**
 * Why a call ended, as one sentence, in both pages. The reasons are the
 * desktop engine's (engine.EndReasons in app/engine/events.go; a Go test
 * holds the cases below to that list): the peer's hang-up reasons
 * (protocol.Reason*), the server's no-such-user, and the engine's own.
 * The browser client uses the same words, and says "local-hang-up" for a
 * hang-up of its own.
 */

/**
 * endText says why the call with peer ended. incoming says whether the call
 * was to this side, because "declined" or "no answer" reads differently to
 * the caller and to the callee. A reason from a peer that is none of these
 * reads as a plain end.
 * @param {string} reason
 * @param {string} peer
 * @param {boolean} incoming
 * @returns {string}
 */
export function endText(reason, peer, incoming) {
  switch (reason) {
    case 'local-hang-up': return `You hung up on ${peer}.`;
    case 'hang-up': return `${peer} hung up.`;
    case 'declined': return incoming ? `You declined the call from ${peer}.` : `${peer} declined the call.`;
    case 'busy': return incoming ? `You were busy when ${peer} called.` : `${peer} is in another call.`;
    case 'no-answer': return incoming ? `You missed a call from ${peer}.` : `${peer} did not answer.`;
    case 'disconnected': return `${peer} lost the connection.`;
    case 'peer-gone': return `${peer} went offline.`;
    case 'no-such-user': return `${peer} is not online.`;
    case 'failed': return `The connection to ${peer} failed.`;
    case 'closed': return `The connection to ${peer} closed.`;
    case 'signaling-lost': return `The call with ${peer} ended: the connection to the server was lost.`;
    case 'setup-failed': return `The call with ${peer} could not be set up.`;
    default: return `The call with ${peer} ended.`;
  }
}
