// @ts-check
/**
 * The call state machine: idle → calling → connecting → in-call for the
 * caller, idle → ringing → connecting → in-call for the callee, and back to
 * idle with the reason shown. It owns the local camera and microphone for
 * the length of a call (the camera light goes off between calls) and keeps
 * the behaviour MDN's sample client expects from its peer: it answers
 * offers with `name`/`target`, accepts renegotiation offers, trickles
 * candidates, and treats `hang-up` from the server as the end of the call.
 */
import { Call } from './call.js';
import { endText } from '../shared/endtext.js';
import { Reason } from './protocol.js';
import { openLocalMedia, openTrack, videoConstraints, audioConstraints, mediaErrorMessage } from './media.js';

/**
 * Whether an open microphone already has the processing asked for.
 * @param {MediaTrackSettings} have
 * @param {MediaTrackConstraints} want
 */
function sameProcessing(have, want) {
  return have.echoCancellation === want.echoCancellation && have.noiseSuppression === want.noiseSuppression
    && have.autoGainControl === want.autoGainControl;
}

/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./media.js').MediaSettings} MediaSettings */
/** @typedef {'idle' | 'calling' | 'ringing' | 'connecting' | 'in-call'} CallState */
/**
 * What a side of the call sends (the media-state message).
 * @typedef {{ audio: boolean, video: boolean }} MediaState
 */

/** An unanswered outgoing call is given up after this long. */
const RING_TIMEOUT_MS = 60000;

/**
 * @typedef {object} PhoneOptions
 * @property {(m: Message) => boolean} send sends a frame to the server
 * @property {() => string} myName
 * @property {(text: string) => void} notify shows a message to the user
 * @property {(state: CallState) => void} onChange called after every change of state, peer or reason
 * @property {HTMLVideoElement} remoteVideo
 * @property {HTMLVideoElement} localVideo
 */

export class Phone {
  /** @param {PhoneOptions} o */
  constructor(o) {
    this.o = o;
    /** @type {CallState} */
    this.state = 'idle';
    this.peer = '';
    /** Whether the current or last call was to this side (see endText). */
    this.incoming = false;
    /** Why the last call ended, as a sentence; '' before the first call. */
    this.endReason = '';
    /** @type {Call | null} */
    this.call = null;
    /** @type {RTCSessionDescriptionInit | null} */
    this.pendingOffer = null;
    /** @type {RTCIceCandidateInit[]} */
    this.pendingCandidates = [];
    /** @type {MediaStream | null} */
    this.local = null;
    /** @type {RTCIceServer[]} */
    this.iceServers = [];
    this.muted = false;
    this.cameraOff = false;
    /**
     * What the peer last said it sends (media-state); null until it says.
     * MDN's client never does: then both are taken as on.
     * @type {MediaState | null}
     */
    this.peerMedia = null;
    /** Set while the ICE connection is being recovered. */
    this.reconnecting = false;
    /** When the media started flowing, for the timer; 0 when not in a call. */
    this.connectedAt = 0;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    this.ringTimer = undefined;
    /** @type {MediaSettings} */
    this.settings = { cameraId: '', micId: '', resolution: '720p', frameRate: 30 };
    /** @type {Promise<void>} settings changes, applied in order */
    this.changing = Promise.resolve();
  }

  /** The live RTCPeerConnection, or null (for getStats in tests and diagnostics). */
  get pc() {
    return this.call?.pc ?? null;
  }

  /**
   * Places a call: camera and microphone, addTrack, and the offer goes out
   * from negotiationneeded.
   * @param {string} name
   */
  async placeCall(name) {
    if (this.state !== 'idle' || !name || name === this.o.myName()) return;
    this.peer = name;
    this.incoming = false;
    this.endReason = '';
    this.setState('calling');
    const call = this.newCall(false);
    const { stream, warning } = await openLocalMedia(this.settings);
    if (this.call !== call) {
      stream.getTracks().forEach((t) => t.stop()); // hung up while the camera opened
      return;
    }
    if (warning) this.o.notify(warning);
    this.useLocal(stream);
    call.attach(stream, true);
    this.ringTimer = setTimeout(() => {
      if (this.state === 'calling') this.hangUp(Reason.NoAnswer);
    }, RING_TIMEOUT_MS);
  }

  /** Accepts the ringing call. */
  accept() {
    if (this.state !== 'ringing' || !this.pendingOffer) return;
    const offer = this.pendingOffer;
    this.pendingOffer = null;
    this.setState('connecting');
    this.answerWithMedia(offer);
  }

  /** Declines the ringing call. */
  decline() {
    if (this.state !== 'ringing') return;
    this.o.send({ type: 'hang-up', name: this.o.myName(), target: this.peer, reason: Reason.Declined });
    this.end(Reason.Declined, true);
  }

  /**
   * Ends the current call from this side and tells the peer why.
   * @param {string} [reason]
   */
  hangUp(reason = Reason.HangUp) {
    if (this.state === 'idle') return;
    if (this.state === 'ringing') return this.decline();
    this.o.send({ type: 'hang-up', name: this.o.myName(), target: this.peer, reason });
    this.end(reason, true);
  }

  /** @param {Message} m */
  onOffer(m) {
    const from = m.name ?? '';
    if (!m.sdp || !from) return;
    if (this.state === 'idle') {
      this.peer = from;
      this.incoming = true;
      this.endReason = '';
      this.pendingOffer = m.sdp;
      this.pendingCandidates = [];
      this.setState('ringing');
      return;
    }
    if (from !== this.peer) {
      this.o.send({ type: 'hang-up', name: this.o.myName(), target: from, reason: Reason.Busy });
      this.o.notify(`${from} tried to call you while you were busy.`);
      return;
    }
    if (this.state === 'ringing') {
      this.pendingOffer = m.sdp; // the caller re-offered before we answered
      return;
    }
    if (this.state === 'calling') {
      // Both called each other at once (an offer from the callee before
      // any answer). The side with the greater name yields: it drops its
      // own call and answers the other's; the other side ignores this
      // side's offer. Exactly one call results.
      if (this.o.myName() > from) {
        this.call?.close();
        this.call = null;
        this.local?.getTracks().forEach((t) => t.stop());
        this.local = null;
        clearTimeout(this.ringTimer);
        this.setState('connecting');
        this.answerWithMedia(m.sdp);
      }
      return;
    }
    this.call?.handleDescription(m.sdp);
  }

  /** @param {Message} m */
  onAnswer(m) {
    if (m.name !== this.peer || !this.call || !m.sdp) return;
    this.call.handleDescription(m.sdp);
    if (this.state === 'calling') {
      clearTimeout(this.ringTimer);
      this.setState('connecting');
    }
  }

  /** @param {Message} m */
  onCandidate(m) {
    // MDN's client sends candidates without a name; the server stamps it.
    if ((m.name ?? this.peer) !== this.peer || !m.candidate) return;
    if (this.call) this.call.handleCandidate(m.candidate);
    else if (this.state === 'ringing') this.pendingCandidates.push(m.candidate);
  }

  /** @param {Message} m */
  onHangUp(m) {
    if (this.state === 'idle' || m.name !== this.peer) return;
    const reason = m.reason || Reason.HangUp;
    // A caller who gives up while it rings is a missed call to the callee.
    this.end(this.state === 'ringing' && reason === Reason.HangUp ? Reason.NoAnswer : reason, false);
  }

  /**
   * The peer went offline (user-left, or a no-such-user error for them).
   * @param {string} name
   * @param {string} reason
   */
  onPeerGone(name, reason) {
    if (this.state !== 'idle' && name === this.peer) this.end(reason, false);
  }

  /**
   * The peer's media-state. Only the current call's peer is listened to
   * (the server stamps the sender's name), and only booleans count.
   * @param {Message} m
   */
  onMediaState(m) {
    if (this.state === 'idle' || m.name !== this.peer || typeof m.audio !== 'boolean' || typeof m.video !== 'boolean') return;
    this.peerMedia = { audio: m.audio, video: m.video };
    this.o.onChange(this.state);
  }

  toggleMute() {
    this.muted = !this.muted;
    this.local?.getAudioTracks().forEach((t) => (t.enabled = !this.muted));
    this.sendMediaState();
    this.o.onChange(this.state);
  }

  toggleCamera() {
    this.cameraOff = !this.cameraOff;
    this.local?.getVideoTracks().forEach((t) => (t.enabled = !this.cameraOff));
    this.sendMediaState();
    this.o.onChange(this.state);
  }

  /**
   * Tells the peer what this side sends, so it shows "camera off" or a
   * muted microphone instead of a black or frozen picture. Sent once the
   * media flows and after each toggle; a peer that does not know the
   * message (MDN's client) ignores it.
   */
  sendMediaState() {
    if (this.state !== 'in-call') return;
    const audio = !this.muted && (this.local?.getAudioTracks().length ?? 0) > 0;
    const video = !this.cameraOff && (this.local?.getVideoTracks().length ?? 0) > 0;
    this.o.send({ type: 'media-state', name: this.o.myName(), target: this.peer, audio, video });
  }

  /**
   * Applies changed settings to the running call: a new resolution or frame
   * rate on the same camera is applyConstraints; another device is a new
   * track swapped in with replaceTrack, so the call is not renegotiated.
   * @param {MediaSettings} s
   * @param {'audio' | 'video'} kind what changed
   */
  changeSettings(s, kind) {
    // One change at a time: two quick ones (two switches ticked) would
    // otherwise both replace the same old track.
    this.changing = this.changing.then(() => this.applySettings(s, kind));
    return this.changing;
  }

  /**
   * @param {MediaSettings} s
   * @param {'audio' | 'video'} kind
   */
  async applySettings(s, kind) {
    this.settings = s;
    const local = this.local;
    if (!local) return;
    const old = kind === 'video' ? local.getVideoTracks()[0] : local.getAudioTracks()[0];
    try {
      const sameDevice = old && (kind === 'video' ? !s.cameraId || old.getSettings().deviceId === s.cameraId : !s.micId || old.getSettings().deviceId === s.micId);
      if (old && sameDevice && kind === 'video') {
        await old.applyConstraints(videoConstraints({ ...s, cameraId: '' }));
        return;
      }
      // Browsers fix a microphone's processing when they open it
      // (applyConstraints leaves it), and while a track of the device is
      // open a new one shares its processing (Chromium). So a changed
      // switch closes the microphone, then opens it anew: a moment of
      // silence, once, when the user ticks a box.
      if (old && sameDevice && sameProcessing(old.getSettings(), audioConstraints(s))) return;
      if (old && sameDevice) old.stop();
      const track = await openTrack(kind, s);
      if (this.local !== local) {
        track.stop(); // the call ended meanwhile
        return;
      }
      track.enabled = kind === 'video' ? !this.cameraOff : !this.muted;
      // The new track is sending before the old one stops, so the peer sees
      // no gap; the old device is released right after.
      local.addTrack(track);
      await this.call?.replaceTrack(kind, track, local);
      if (old) {
        local.removeTrack(old);
        old.stop();
      }
      this.o.localVideo.srcObject = local;
    } catch (err) {
      this.o.notify(mediaErrorMessage(err));
    }
  }

  /**
   * @param {boolean} polite
   * @returns {Call}
   */
  newCall(polite) {
    const call = new Call({
      peer: this.peer,
      polite,
      iceServers: this.iceServers,
      send: (m) => {
        if (this.call === call) this.o.send({ ...m, name: this.o.myName() });
      },
      onRemoteStream: (stream) => {
        if (this.call !== call) return;
        if (this.o.remoteVideo.srcObject !== stream) this.o.remoteVideo.srcObject = stream;
      },
      onConnectionState: (s) => {
        if (this.call === call) this.onConnectionState(s);
      },
      onError: (err) => {
        if (this.call === call) this.o.notify('Call error: ' + (err instanceof Error ? err.message : String(err)));
      },
    });
    this.call = call;
    return call;
  }

  /**
   * Answers an offer as the polite side: the remote description is set
   * first, then the camera opens and its tracks reuse the offered
   * transceivers, then the answer goes out.
   * @param {RTCSessionDescriptionInit} offer
   */
  answerWithMedia(offer) {
    const call = this.newCall(true);
    call.beforeFirstAnswer = async () => {
      const { stream, warning } = await openLocalMedia(this.settings);
      if (this.call !== call) {
        stream.getTracks().forEach((t) => t.stop());
        return;
      }
      if (warning) this.o.notify(warning);
      this.useLocal(stream);
      call.attach(stream, false);
    };
    call.handleDescription(offer);
    for (const c of this.pendingCandidates.splice(0)) call.handleCandidate(c);
  }

  /** @param {MediaStream} stream */
  useLocal(stream) {
    this.local = stream;
    stream.getAudioTracks().forEach((t) => (t.enabled = !this.muted));
    stream.getVideoTracks().forEach((t) => (t.enabled = !this.cameraOff));
    this.o.localVideo.srcObject = stream;
  }

  /** @param {RTCPeerConnectionState} s */
  onConnectionState(s) {
    switch (s) {
      case 'connected':
        this.reconnecting = false;
        if (!this.connectedAt) this.connectedAt = Date.now();
        this.setState('in-call');
        this.sendMediaState();
        break;
      case 'disconnected':
        this.reconnecting = true;
        this.o.onChange(this.state);
        break;
      case 'failed':
        this.hangUp(Reason.Failed);
        break;
    }
  }

  /**
   * Returns to idle, releasing the call and the devices.
   * @param {string} reason
   * @param {boolean} byMe
   */
  end(reason, byMe) {
    clearTimeout(this.ringTimer);
    this.call?.close();
    this.call = null;
    this.pendingOffer = null;
    this.pendingCandidates = [];
    this.local?.getTracks().forEach((t) => t.stop());
    this.local = null;
    this.o.localVideo.srcObject = null;
    this.o.remoteVideo.srcObject = null;
    this.connectedAt = 0;
    this.reconnecting = false;
    this.peerMedia = null;
    this.endReason = endText(byMe && reason === Reason.HangUp ? 'local-hang-up' : reason, this.peer, this.incoming);
    this.setState('idle');
  }

  /** @param {CallState} s */
  setState(s) {
    this.state = s;
    this.o.onChange(s);
  }
}
