// @ts-check
/**
 * The UI contract between this page and the Go engine, and the only module
 * that touches Wails' window.go and window.runtime.
 *
 * The Go side (app/desktop) binds one struct, desktop.App, whose methods
 * Wails exposes as window.go.desktop.App.<Method>(...) → Promise, and emits
 * the events below with runtime.EventsEmit(ctx, name, payload). Go values
 * cross as JSON, so the typedefs below are the JSON shapes (the Go structs'
 * json tags must match the property names exactly). A Go method that
 * returns an error rejects its Promise with the error's text.
 *
 * For tests and for working on the page without Go, a page may define
 * globalThis.parleyBackend (an object implementing Backend) before this
 * module loads; nothing in this module fabricates data.
 *
 * docs/architecture.md ("UI contract") is the same contract in prose.
 */

/**
 * Call states, exactly app/engine.State.
 * idle: no call. calling: our offer is out, waiting for the answer.
 * ringing: a peer is calling us, waiting for Accept/Decline.
 * connecting: offer and answer exchanged, ICE/DTLS under way. in-call: media
 * can flow. ended: reported once per call with a reason, then idle follows.
 * @typedef {'idle'|'calling'|'ringing'|'connecting'|'in-call'|'ended'} Phase
 */

/**
 * Why a call ended: app/engine's reasons and the peer's (signaling/protocol
 * Reason*). Unknown reasons are shown as "Call ended".
 * hang-up: the peer hung up. local-hang-up: this user did. declined, busy,
 * no-answer. disconnected: the peer's connection to the server closed.
 * failed: ICE or DTLS failed (typically a firewall: suggest TURN).
 * closed: the media connection closed without a hang-up. signaling-lost:
 * our server connection dropped. setup-failed: the call could not be built.
 * peer-gone: the peer left the server and its media stopped (its app or
 * machine went away). no-such-user: the callee was no longer online.
 * The set is engine.EndReasons (app/engine/events.go); a Go test checks it.
 * @typedef {'hang-up'|'local-hang-up'|'declined'|'busy'|'no-answer'|'disconnected'|'failed'|'closed'|'signaling-lost'|'setup-failed'|'peer-gone'|'no-such-user'} EndReason
 */

/**
 * Payload of the "state" event: app/engine.StateChanged as JSON plus the
 * time of the change, which the adapter adds (the in-call timer counts from it).
 * @typedef {Object} CallState
 * @property {Phase} state
 * @property {string} [peer]    the other user (absent or "" when idle)
 * @property {string} [reason]  an EndReason, set for "ended"
 * @property {number} since     ms since the Unix epoch when this state began
 * @property {number} [seq]     increases with every state; Wails' dev server may deliver
 *                              events out of order, so a lower seq than the shown one is stale
 */

/**
 * Payload of the "users" event: app/engine.UsersChanged, everyone online,
 * this user included (the page marks itself using the "name" event).
 * @typedef {Object} UsersChanged
 * @property {string[]} users
 */

/**
 * Payload of the "name" event: app/engine.NameChanged, the name the server
 * gave this user (it appends a number when the requested one is taken).
 * @typedef {Object} NameChanged
 * @property {string} name
 */

/**
 * Payload of the "signaling" event (adapter): the connection to the
 * signaling server.
 * @typedef {Object} SignalingEvent
 * @property {'offline'|'connecting'|'online'|'reconnecting'} status  reconnecting: the connection
 *   was lost and is being restored; a call in progress goes on meanwhile
 * @property {string} server  the server's URL ("" before the first attempt)
 */

/**
 * Payload of the "chat" event: app/engine.ChatReceived (the server stamps
 * "from"; our own messages come back too).
 * @typedef {Object} ChatMessage
 * @property {string} from
 * @property {string} text
 * @property {string} at  RFC 3339 time (Go's time.Time JSON)
 */

/**
 * Payload of the "incoming-call" event: app/engine.IncomingCall. The dialog
 * closes when "state" leaves "ringing" (answered here, or cancelled).
 * @typedef {Object} IncomingCall
 * @property {string} from
 */

/**
 * Error codes of the "error" event: app/engine.ErrorCode plus the adapter's
 * "settings" (settings file or save failed).
 * media: a camera or microphone could not be opened (the call goes on without it).
 * signaling: the server is unreachable or the connection failed (offer Reconnect()).
 * @typedef {'busy'|'no-call'|'unknown-call'|'bad-remote'|'media'|'signaling'|'server'|'setup'|'not-running'|'bad-input'|'settings'} ErrorCode
 */

/**
 * Payload of the "error" event: app/engine.Error as JSON.
 * @typedef {Object} AppError
 * @property {ErrorCode} code
 * @property {string} text  a sentence for the user
 */

/**
 * app/engine.Stats: once a second during a call. Milliseconds and bits per
 * second.
 * @typedef {Object} CallStats
 * @property {string} peer
 * @property {number} rttMs
 * @property {number} loss            fraction (0–1) of incoming packets lost in the last second
 * @property {number} jitterMs
 * @property {number} sendBitrate
 * @property {number} receiveBitrate
 * @property {number} targetBitrate   the congestion controller's estimate
 * @property {number} framesPerSecond remote video decoded here
 * @property {number} framesReceived
 * @property {number} framesDecoded
 * @property {number} width
 * @property {number} height
 * @property {number} audioPacketsReceived
 * @property {number} videoPacketsReceived
 * @property {number} [audioRecovered]  lost sound packets rebuilt from the next packet's FEC
 * @property {number} [audioConcealed]  lost sound packets filled by concealment
 * @property {number} [playoutDelayMs]   sound queued in the speaker's jitter buffer
 * @property {number} [playoutTargetMs]  the delay the arrival jitter calls for
 * @property {number} [audioAccelerated] 10 ms steps by which pauses were shortened to follow the target
 * @property {number} [audioExpanded]    10 ms steps by which pauses were lengthened
 * @property {number} [audioUnderruns]   times the sound buffer ran dry while playing
 * @property {boolean} peerReceivesVideo
 * @property {boolean} peerReceivesAudio
 */

/**
 * Payload of the "peer-media" event and of Snapshot().peerMedia:
 * app/engine.PeerMediaChanged, what the call's peer says it sends (its
 * media-state message, after the answer and after each of its toggles).
 * Peers that never say (MDN's client) leave it unknown: assume both on.
 * @typedef {Object} PeerMedia
 * @property {string} peer
 * @property {boolean} audio  false: muted, or no microphone
 * @property {boolean} video  false: camera off, or no camera
 */

/**
 * Payload of the "stats" event: app/engine.StatsUpdated.
 * @typedef {Object} StatsUpdated
 * @property {CallStats} stats
 */

/**
 * A capture or playback device. Devices are identified by name because
 * drivers regenerate IDs on every run.
 * @typedef {Object} Device
 * @property {string} name       the stable identity that settings store
 * @property {string} [label]    what a person reads, if it differs from name
 * @property {boolean} isDefault
 */

/**
 * Result of ListDevices() and payload of the "devices" event (hot-plug).
 * @typedef {Object} Devices
 * @property {Device[]} cameras
 * @property {Device[]} microphones
 * @property {Device[]} speakers
 */

/**
 * Payload of the "level" event, about 10 times a second while the settings
 * panel monitors a microphone or a call is up.
 * @typedef {Object} Level
 * @property {number} level  peak of the last interval, 0–1 (linear)
 */

/**
 * Payload of the "settings-warning" event and of Snapshot().settingsWarning
 * (the engine loads settings before the page subscribes, so the snapshot
 * carries the warning too): the settings file was unusable, was moved to
 * backup and replaced by defaults.
 * @typedef {Object} SettingsWarning
 * @property {'corrupt'|'version'|'invalid'} reason
 * @property {string} backup   path of the kept old file ("" if it could not be moved)
 * @property {string} message  the full text of the Go error
 */

/**
 * STUN/TURN server, the browser's RTCIceServer shape.
 * @typedef {Object} ICEServer
 * @property {string[]} urls
 * @property {string} [username]
 * @property {string} [credential]
 */

/**
 * The persisted settings (app/settings.Settings as JSON).
 * @typedef {Object} Settings
 * @property {number} version
 * @property {string} camera       device name, "" = system default
 * @property {'360p'|'480p'|'720p'|'1080p'} resolution
 * @property {number} frameRate    1–60
 * @property {string} microphone
 * @property {string} speaker
 * @property {string} displayName
 * @property {string} signalingUrl "" = run the embedded server
 * @property {ICEServer[]} iceServers
 * @property {boolean} discovery  find other Parley desktops on the LAN and meet them on one built-in
 *                                server (when signalingUrl is ""); applies at once
 * @property {boolean} echoCancellation  microphone processing, named as getUserMedia names it;
 * @property {boolean} noiseSuppression  each applies at once, mid-call too
 * @property {boolean} autoGainControl
 */

/**
 * What SaveSettings reports for a value it refuses (app/settings.ValidationError).
 * @typedef {Object} FieldError
 * @property {string} field    JSON name of the field, e.g. "signalingUrl" or "iceServers[1]"
 * @property {string} problem  completes the sentence "<field> …"
 */

/**
 * Devices the settings panel previews before they are saved.
 * @typedef {Object} DeviceChoice
 * @property {string} camera
 * @property {string} microphone
 * @property {'360p'|'480p'|'720p'|'1080p'} resolution
 * @property {number} frameRate
 */

/**
 * Result of ServerInfo() and payload of the "server" event: the built-in
 * signaling server in use, this desktop's own or another desktop's found on
 * the LAN (app/backend.ServerInfo).
 * @typedef {Object} ServerInfo
 * @property {boolean} embedded     true while the app signs in to a built-in server (its own or
 *                                  another desktop's); false when a server is set in Settings
 * @property {string[]} links       invite links to the server in use, e.g. "https://192.168.1.5:6503/?fp=…":
 *                                  a browser opens them, a Parley desktop joins with them (JoinLink)
 * @property {string} fingerprint   SHA-256 of the server's TLS certificate ("" if not embedded)
 * @property {string} host          the user whose desktop runs the server in use; "" for this desktop's own.
 *                                  It comes from the network: show it as text only
 * @property {boolean} firstJoin    that desktop's server was just joined for the first time: its
 *                                  certificate is now pinned, and later joins are held to it
 * @property {boolean} discovery    whether the app looks for other desktops on the LAN (this run)
 */

/**
 * What the page reports about its drawing (ReportVideo), per stream.
 * @typedef {Object} StreamReport
 * @property {number} stream   1 remote, 2 local
 * @property {number} width
 * @property {number} height
 * @property {number} fps      frames drawn per second since the last report
 * @property {number} p50Ms    capture (local) or decode (remote) to drawn, recent frames
 * @property {number} p95Ms
 * @property {number} skipped  frames replaced by a newer one before drawing, in all
 * @property {number[]} transitMs  [p50, p95] of bridge send → page receives, frames drawn since the last report
 * @property {number[]} waitMs     [p50, p95] of received → drawn (on arrival, or in requestAnimationFrame)
 * @property {number[]} drawMs     [p50, p95] of the draw call itself (2D: conversion and putImageData; WebGL: upload and shader)
 * @property {number} startedAt  non-zero only in the report sent the moment a stream's first picture is
 *                               drawn: that moment, ms since the epoch (the figures are then zero)
 */

/**
 * @typedef {Object} VideoReport
 * @property {StreamReport[]} streams
 * @property {BridgeReport} [bridge]  the frame bridge connection since the last report
 */

/**
 * What went wrong between the page and the frame bridge since the last report (all zero
 * while frames flow): Go logs it as a warning, the one trace a frozen picture leaves.
 * @typedef {Object} BridgeReport
 * @property {number} reconnects  connections opened after the page's first
 * @property {number} rejected    frame messages that failed to parse
 * @property {string} lastError   the last reason, e.g. "socket closed (1003 …)"
 */

/**
 * Result of Snapshot(): everything the page needs after a (re)load.
 * @typedef {Object} Snapshot
 * @property {SignalingEvent} signaling
 * @property {string} name       our name on the server, "" before login
 * @property {string[]} users    everyone online, us included
 * @property {CallState} call
 * @property {boolean} muted
 * @property {boolean} cameraOff
 * @property {PeerMedia|null} [peerMedia]  the call's peer's camera/microphone, null until it says
 * @property {SettingsWarning|null} settingsWarning  from loading settings at start, null if none
 * @property {string} [displayName]  the settings' display name, to pre-fill the join form
 */

/**
 * Events, by name. The engine's events keep their Kind() names and JSON
 * (the adapter forwards them with runtime.EventsEmit(ctx, ev.Kind(), ev));
 * "signaling", "devices", "level", "settings-warning", "menu" and "server" come from the adapter.
 * @typedef {Object} Events
 * @property {CallState} state
 * @property {UsersChanged} users
 * @property {NameChanged} name
 * @property {ChatMessage} chat
 * @property {IncomingCall} incoming-call
 * @property {AppError} error
 * @property {StatsUpdated} stats
 * @property {PeerMedia} peer-media
 * @property {SignalingEvent} signaling
 * @property {Devices} devices
 * @property {Level} level
 * @property {SettingsWarning} settings-warning
 * @property {MenuAction} menu
 * @property {ServerInfo} server  the server in use changed (another desktop's found on the LAN, or ours again)
 */

/**
 * Payload of the "menu" event (adapter): the native menu asks the page to
 * do what its own buttons do, so that menu and keyboard share one path.
 * @typedef {'toggle-mute'|'toggle-camera'|'settings'} MenuAction
 */

/**
 * The engine as the page sees it. Method names are the Go method names.
 * @typedef {Object} Backend
 * @property {() => Promise<Snapshot>} Snapshot
 * @property {(name: string) => Promise<string>} Login  resolves with the name the server assigned (it may append a number)
 * @property {() => Promise<void>} Reconnect  retry the signaling server now
 * @property {(user: string) => Promise<void>} Call
 * @property {() => Promise<void>} Accept
 * @property {() => Promise<void>} Decline
 * @property {() => Promise<void>} HangUp
 * @property {(muted: boolean) => Promise<void>} SetMuted
 * @property {(off: boolean) => Promise<void>} SetCameraOff
 * @property {(text: string) => Promise<void>} SendChat
 * @property {() => Promise<Settings>} GetSettings
 * @property {(s: Settings) => Promise<FieldError|null>} SaveSettings  null when saved; rejects only on I/O errors
 * @property {() => Promise<Devices>} ListDevices
 * @property {(d: DeviceChoice) => Promise<void>} PreviewDevices  switch capture now (Local stream, level events) without saving
 * @property {() => Promise<string>} FrameBridgeURL  ws://127.0.0.1:PORT/frames?token=…
 * @property {() => Promise<ServerInfo>} ServerInfo
 * @property {(link: string) => Promise<void>} JoinLink  sign in to the server an invite link names, holding it to the
 *   link's certificate; saves it as settings.signalingUrl and reconnects (after a call in progress). Rejects with a
 *   sentence when the link is not an invite link; a refused connection arrives later as "signaling" and "error" events
 * @property {(speaker: string) => Promise<void>} PlayTestSound
 * @property {(r: VideoReport) => Promise<void>} [ReportVideo]  the page's drawing counters, for measurement
 * @property {() => Promise<string>} Version  the app's version, as About shows it
 * @property {(text: string) => Promise<void>} CopyText  put text on the clipboard (WebKitGTK has no navigator.clipboard on wails://)
 * @property {<K extends keyof Events>(name: K, cb: (payload: Events[K]) => void) => () => void} on  subscribe; returns the unsubscribe function
 */

/** Names of the bound Go methods, in the order of the contract. */
export const methods = /** @type {const} */ ([
  'Snapshot', 'Login', 'Reconnect', 'Call', 'Accept', 'Decline', 'HangUp', 'SetMuted', 'SetCameraOff',
  'SendChat', 'GetSettings', 'SaveSettings', 'ListDevices', 'PreviewDevices', 'FrameBridgeURL',
  'ServerInfo', 'JoinLink', 'PlayTestSound', 'CopyText', 'Version', 'ReportVideo',
]);

/**
 * @typedef {Object} WailsRuntime
 * @property {(name: string, cb: (payload: any) => void) => () => void} EventsOn
 */

/**
 * wails adapts Wails' globals to Backend.
 * @param {Record<string, (...args: any[]) => Promise<any>>} app  window.go.desktop.App
 * @param {WailsRuntime} runtime  window.runtime
 * @returns {Backend}
 */
function wails(app, runtime) {
  /** @type {Record<string, unknown>} */
  const b = {};
  for (const m of methods) {
    b[m] = (/** @type {any[]} */ ...args) => {
      const fn = app[m];
      if (typeof fn !== 'function') return Promise.reject(new Error(`the engine does not provide ${m}()`));
      return fn(...args);
    };
  }
  b.on = (/** @type {string} */ name, /** @type {(p: any) => void} */ cb) => runtime.EventsOn(name, cb);
  return /** @type {Backend} */ (/** @type {unknown} */ (b));
}

/**
 * connectBackend finds the engine. In the Wails window the bindings exist
 * when modules run; through the dev server (a browser on
 * http://127.0.0.1:34115) they arrive over Wails' IPC socket a moment later,
 * so this polls until timeoutMs.
 * @param {number} [timeoutMs]
 * @returns {Promise<Backend|null>} null when no engine appeared
 */
export async function connectBackend(timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const g = /** @type {any} */ (globalThis);
    if (g.parleyBackend) return /** @type {Backend} */ (g.parleyBackend);
    if (g.go?.desktop?.App && g.runtime?.EventsOn) return wails(g.go.desktop.App, g.runtime);
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, 50));
  }
}
