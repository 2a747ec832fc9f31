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
 * Call phases.
 * idle: no call. calling: we offered, waiting for the peer to answer.
 * ringing: a peer is calling us, waiting for Accept/Decline.
 * connecting: answered, media connecting (ICE/DTLS). connected: media flows.
 * ended: the call is over; reason says why. The engine moves from ended to
 * idle by itself (after a few seconds) or on the next Call.
 * @typedef {'idle'|'calling'|'ringing'|'connecting'|'connected'|'ended'} Phase
 */

/**
 * Why a call ended.
 * @typedef {'hangup'|'remote-hangup'|'declined'|'busy'|'no-answer'|'unreachable'|'ice-failed'|'failed'} EndReason
 */

/**
 * Payload of the "state" event and part of Snapshot.
 * @typedef {Object} CallState
 * @property {Phase} phase
 * @property {string} peer       the other user's name; "" when idle
 * @property {number} since      ms since the Unix epoch when this phase began (the connected timer counts from it)
 * @property {EndReason|''} reason  set when phase is "ended"
 * @property {string} detail     technical detail for "ended" (may be ""), shown small
 * @property {boolean} muted
 * @property {boolean} cameraOff
 */

/**
 * One entry of the "users" event: everyone online on the signaling server,
 * the user included.
 * @typedef {Object} User
 * @property {string} name
 * @property {boolean} self  true for this app's own user
 * @property {boolean} busy  true when the user is in a call (false if unknown)
 */

/**
 * Payload of the "signaling" event: the connection to the signaling server.
 * @typedef {Object} SignalingStatus
 * @property {'offline'|'connecting'|'online'} status
 * @property {string} server  the server's URL ("" before the first attempt)
 * @property {string} name    our name on the server once online ("" otherwise)
 */

/**
 * Payload of the "chat" event.
 * @typedef {Object} ChatMessage
 * @property {string} from
 * @property {string} text
 * @property {number} time  ms since the Unix epoch
 * @property {boolean} self true for messages this user sent
 */

/**
 * Payload of the "incoming" event: a peer calls. The dialog closes when the
 * "state" event leaves phase "ringing" (answered here, cancelled by the peer).
 * @typedef {Object} Incoming
 * @property {string} from
 */

/**
 * Error codes of the "error" event.
 * no-camera / no-microphone: the device is missing or busy (the call goes on without it).
 * signaling-unreachable: cannot connect to the signaling server (offer Reconnect()).
 * ice-failed: media could not connect; usually a firewall (suggest a TURN server).
 * call-failed: any other failure of a call. settings: settings could not be saved.
 * internal: a bug; message says what.
 * @typedef {'no-camera'|'no-microphone'|'signaling-unreachable'|'ice-failed'|'call-failed'|'settings'|'internal'} ErrorCode
 */

/**
 * Payload of the "error" event.
 * @typedef {Object} AppError
 * @property {ErrorCode} code
 * @property {string} message  technical detail, shown under the friendly text
 */

/**
 * Payload of the "stats" event, about once a second during a call.
 * @typedef {Object} CallStats
 * @property {number} rttMs
 * @property {number} sendKbps
 * @property {number} recvKbps
 * @property {number} sendFps
 * @property {number} recvFps
 * @property {number} sendWidth
 * @property {number} sendHeight
 * @property {number} recvWidth
 * @property {number} recvHeight
 * @property {number} lossPercent     received packets lost, 0–100
 * @property {string} codec           e.g. "VP8"
 * @property {'host'|'srflx'|'prflx'|'relay'|''} candidateType  of the selected local candidate
 */

/**
 * A capture or playback device. Devices are identified by name because
 * drivers regenerate IDs on every run.
 * @typedef {Object} Device
 * @property {string} name
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
 * Result of ServerInfo(): the embedded signaling server, if running.
 * @typedef {Object} ServerInfo
 * @property {boolean} embedded     true when this app runs the server
 * @property {string[]} links       addresses others open or enter, e.g. "https://192.168.1.5:6503"
 * @property {string} fingerprint   SHA-256 of the server's TLS certificate, "AB:CD:…" ("" if not embedded)
 */

/**
 * Result of Snapshot(): everything the page needs after a (re)load.
 * @typedef {Object} Snapshot
 * @property {SignalingStatus} signaling
 * @property {CallState} call
 * @property {User[]} users
 * @property {SettingsWarning|null} settingsWarning  from loading settings at start, null if none
 */

/**
 * Events the engine emits, by name.
 * @typedef {Object} Events
 * @property {SignalingStatus} signaling
 * @property {CallState} state
 * @property {User[]} users
 * @property {ChatMessage} chat
 * @property {Incoming} incoming
 * @property {AppError} error
 * @property {CallStats} stats
 * @property {Devices} devices
 * @property {Level} level
 * @property {SettingsWarning} settings-warning
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
 * @property {(speaker: string) => Promise<void>} PlayTestSound
 * @property {<K extends keyof Events>(name: K, cb: (payload: Events[K]) => void) => () => void} on  subscribe; returns the unsubscribe function
 */

/** Names of the bound Go methods, in the order of the contract. */
export const methods = /** @type {const} */ ([
  'Snapshot', 'Login', 'Reconnect', 'Call', 'Accept', 'Decline', 'HangUp', 'SetMuted', 'SetCameraOff',
  'SendChat', 'GetSettings', 'SaveSettings', 'ListDevices', 'PreviewDevices', 'FrameBridgeURL',
  'ServerInfo', 'PlayTestSound',
]);

/** Names of the events, in the order of the contract. */
export const events = /** @type {const} */ ([
  'signaling', 'state', 'users', 'chat', 'incoming', 'error', 'stats', 'devices', 'level', 'settings-warning',
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
