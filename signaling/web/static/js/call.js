// @ts-check
/**
 * One call: an RTCPeerConnection with the "perfect negotiation" pattern, so
 * either side may renegotiate at any time (device changes, ICE restarts, MDN's
 * client re-offering after it answers) and offer glare resolves itself: the
 * polite side rolls back its own offer, the impolite side ignores the other's.
 *
 * Signaling messages for this call are applied strictly in arrival order
 * through one promise chain, and remote ICE candidates are held back until a
 * remote description exists, because addIceCandidate fails before that.
 */

/** @typedef {import('./protocol.js').Message} Message */

/**
 * @typedef {object} CallOptions
 * @property {string} peer the other user's name
 * @property {boolean} polite whether this side yields on offer glare
 * @property {RTCIceServer[]} iceServers
 * @property {(m: Message) => void} send sends a frame to the peer (the owner adds name)
 * @property {(stream: MediaStream) => void} onRemoteStream
 * @property {(state: RTCPeerConnectionState) => void} onConnectionState
 * @property {(err: unknown) => void} onError
 */

export class Call {
  /** @param {CallOptions} o */
  constructor(o) {
    this.peer = o.peer;
    this.polite = o.polite;
    this.opts = o;
    this.pc = new RTCPeerConnection({ iceServers: o.iceServers });
    this.makingOffer = false;
    this.ignoreOffer = false;
    this.settingRemoteAnswer = false;
    this.restarted = false;
    this.closed = false;
    /** @type {RTCIceCandidateInit[]} */
    this.pendingCandidates = [];
    /** @type {Promise<void>} */
    this.chain = Promise.resolve();
    /** @type {Record<'audio' | 'video', RTCRtpSender | null>} */
    this.senders = { audio: null, video: null };
    /** Runs once, between applying the first remote offer and answering it. */
    /** @type {(() => Promise<void>) | null} */
    this.beforeFirstAnswer = null;
    /**
     * Everything the peer sends, in one stream for the <video>: peers differ
     * in how they group tracks into streams (pion may send audio and video
     * in two, or none), and a video element plays only one stream.
     */
    this.remoteStream = new MediaStream();

    const pc = this.pc;
    pc.onicecandidate = ({ candidate }) => {
      if (candidate) o.send({ type: 'new-ice-candidate', target: this.peer, candidate: candidate.toJSON() });
    };
    pc.onnegotiationneeded = () => this.enqueue(() => this.offer());
    pc.ontrack = ({ track }) => {
      const stream = this.remoteStream;
      if (track.kind === 'video') {
        // The newest video wins: a peer that renegotiates a new camera
        // track (instead of replaceTrack) must not stay hidden behind the old.
        stream.getVideoTracks().forEach((t) => stream.removeTrack(t));
      }
      stream.addTrack(track);
      track.addEventListener('ended', () => stream.removeTrack(track), { once: true });
      o.onRemoteStream(stream);
    };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'failed' && !this.restarted) {
        // One ICE restart before giving up: a changed network path often
        // comes back. Either side may start it; glare is handled below. The
        // owner hears 'failed' only when the restart has failed too.
        this.restarted = true;
        pc.restartIce();
        o.onConnectionState('disconnected');
        return;
      }
      o.onConnectionState(pc.connectionState);
    };
  }

  /**
   * Adds local tracks. With a track it uses addTrack (which reuses a
   * transceiver the remote offer created); for a missing kind it still
   * negotiates a send-receive transceiver, so that a camera picked later is
   * switched in with replaceTrack, without renegotiation.
   * @param {MediaStream} stream
   * @param {boolean} createMissing whether to add transceivers for kinds the stream lacks
   */
  attach(stream, createMissing) {
    for (const kind of /** @type {const} */ (['audio', 'video'])) {
      const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
      if (track) {
        this.senders[kind] = this.pc.addTrack(track, stream);
        continue;
      }
      const offered = this.pc.getTransceivers().find((t) => t.receiver.track.kind === kind && !t.sender.track && t.currentDirection !== 'stopped');
      if (offered) {
        offered.direction = 'sendrecv';
        this.senders[kind] = offered.sender;
      } else if (createMissing) {
        this.senders[kind] = this.pc.addTransceiver(kind, { direction: 'sendrecv', streams: [stream] }).sender;
      }
    }
  }

  /**
   * Swaps the outgoing track of one kind without renegotiating.
   * @param {'audio' | 'video'} kind
   * @param {MediaStreamTrack | null} track
   * @param {MediaStream} stream the local stream the track belongs to
   */
  async replaceTrack(kind, track, stream) {
    const sender = this.senders[kind];
    if (sender) {
      await sender.replaceTrack(track);
    } else if (track) {
      // No transceiver of this kind was negotiated (the offer had none):
      // adding one renegotiates, which perfect negotiation handles.
      this.senders[kind] = this.pc.addTrack(track, stream);
    }
  }

  /**
   * Applies a remote description (from video-offer or video-answer).
   * @param {RTCSessionDescriptionInit} desc
   */
  handleDescription(desc) {
    this.enqueue(() => this.applyDescription(desc));
  }

  /**
   * Applies a remote ICE candidate, or holds it until a remote description exists.
   * @param {RTCIceCandidateInit} candidate
   */
  handleCandidate(candidate) {
    this.enqueue(async () => {
      if (!this.pc.remoteDescription) {
        this.pendingCandidates.push(candidate);
        return;
      }
      await this.addCandidate(candidate);
    });
  }

  /** Ends the call locally: no further events reach the owner. */
  close() {
    this.closed = true;
    const pc = this.pc;
    pc.onicecandidate = pc.onnegotiationneeded = pc.ontrack = pc.onconnectionstatechange = null;
    pc.close();
  }

  /** @param {() => Promise<void>} step */
  enqueue(step) {
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      try {
        await step();
      } catch (err) {
        if (!this.closed) this.opts.onError(err);
      }
    });
  }

  async offer() {
    // The event may be stale by the time the chain reaches it; the browser
    // fires it again once stable if negotiation is still needed.
    if (this.pc.signalingState !== 'stable') return;
    try {
      this.makingOffer = true;
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (local) this.opts.send({ type: 'video-offer', target: this.peer, sdp: { type: local.type, sdp: local.sdp } });
    } finally {
      this.makingOffer = false;
    }
  }

  /** @param {RTCSessionDescriptionInit} desc */
  async applyDescription(desc) {
    const pc = this.pc;
    const readyForOffer = !this.makingOffer && (pc.signalingState === 'stable' || this.settingRemoteAnswer);
    const collision = desc.type === 'offer' && !readyForOffer;
    this.ignoreOffer = !this.polite && collision;
    if (this.ignoreOffer) return;
    if (desc.type === 'answer' && pc.signalingState !== 'have-local-offer') return; // a stale answer after a rollback
    this.settingRemoteAnswer = desc.type === 'answer';
    try {
      await pc.setRemoteDescription(desc); // rolls back our own offer if we are polite and collided
    } finally {
      this.settingRemoteAnswer = false;
    }
    for (const c of this.pendingCandidates.splice(0)) await this.addCandidate(c);
    if (desc.type !== 'offer') return;
    const before = this.beforeFirstAnswer;
    this.beforeFirstAnswer = null;
    if (before) await before();
    await pc.setLocalDescription();
    const local = pc.localDescription;
    if (local) this.opts.send({ type: 'video-answer', target: this.peer, sdp: { type: local.type, sdp: local.sdp } });
  }

  /** @param {RTCIceCandidateInit} c */
  async addCandidate(c) {
    try {
      await this.pc.addIceCandidate(c);
    } catch (err) {
      // Candidates for an offer we ignored in glare are expected to fail.
      if (!this.ignoreOffer) throw err;
    }
  }
}
