// @ts-check
/**
 * The browser client's entry point: it wires the signaling socket, the login
 * form, the people list, the chat, the device pickers and the call state
 * machine (phone.js) to the page, and renders the call state.
 *
 * Test hook: `window.parley` is a frozen, read-only view for the end-to-end
 * tests and for diagnostics in the console:
 *   state      'signed-out' | 'idle' | 'calling' | 'ringing' | 'connecting' | 'in-call'
 *              ('signed-out' until the server has listed this user, so the name is final)
 *   name       the name this user asked for, or the one the server gave instead
 *   peer       the other party of the current or last call
 *   endReason  why the last call ended, as shown to the user
 *   pc         the call's RTCPeerConnection (for getStats), or null
 *   users      the names online, this user included
 *   link       the socket: 'connecting' | 'open' | 'closed'
 *   ringing    whether the incoming-call ring is sounding
 * Tests drive the real UI; they only read through this hook.
 */
import { byId, formatDuration, setOptions } from '../shared/dom.js';
import { PeerMediaView } from '../shared/peermedia.js';
import { deltaNames, serverErrorText, FEATURES, MAX_NAME, Reason } from './protocol.js';
import { Signaling, signalingURL } from './signaling.js';
import { Phone } from './phone.js';
import { UserList } from './users.js';
import { Chat } from './chat.js';
import { listDevices, RESOLUTIONS } from './media.js';
import { Ringer } from './ringer.js';

/** @typedef {import('./protocol.js').Message} Message */
/** @typedef {import('./signaling.js').LinkStatus} LinkStatus */
/** @typedef {import('./media.js').MediaSettings} MediaSettings */

const SETTINGS_KEY = 'parley.settings';

const ui = {
  login: byId('login', HTMLElement),
  loginForm: byId('login_form', HTMLFormElement),
  loginName: byId('login_name', HTMLInputElement),
  loginError: byId('login_error', HTMLElement),
  main: byId('main', HTMLElement),
  me: byId('me', HTMLElement),
  myName: byId('my_name', HTMLElement),
  linkDot: byId('link_dot', HTMLElement),
  notice: byId('notice', HTMLElement),
  noticeText: byId('notice_text', HTMLElement),
  noticeClose: byId('notice_close', HTMLButtonElement),
  status: byId('call_status', HTMLElement),
  timer: byId('call_timer', HTMLElement),
  placeholder: byId('stage_placeholder', HTMLElement),
  remoteVideo: byId('received_video', HTMLVideoElement),
  localVideo: byId('local_video', HTMLVideoElement),
  mute: byId('mute_button', HTMLButtonElement),
  camera: byId('camera_button', HTMLButtonElement),
  hangup: byId('hangup_button', HTMLButtonElement),
  settingsButton: byId('settings_button', HTMLButtonElement),
  settings: byId('settings', HTMLFormElement),
  cameraSelect: byId('camera_select', HTMLSelectElement),
  micSelect: byId('mic_select', HTMLSelectElement),
  resolution: byId('resolution_select', HTMLSelectElement),
  frameRate: byId('framerate_select', HTMLSelectElement),
  echo: byId('echo_check', HTMLInputElement),
  noise: byId('noise_check', HTMLInputElement),
  gain: byId('gain_check', HTMLInputElement),
  incoming: byId('incoming', HTMLElement),
  incomingCaller: byId('incoming_caller', HTMLElement),
  accept: byId('accept_button', HTMLButtonElement),
  decline: byId('decline_button', HTMLButtonElement),
};

/** Session facts that outlive a single socket. */
const session = {
  /** The name the user asked for; re-sent after a reconnect. */
  wanted: '',
  /** The name the server confirmed (or gave instead). */
  name: '',
  /** @type {LinkStatus} */
  link: /** @type {LinkStatus} */ ('connecting'),
  clientId: 0,
  /** True once the server has listed us: the name is final (after any rejectusername). */
  joined: false,
  /** The last "disconnected" notice, cleared when the link is back. */
  linkNotice: '',
  /**
   * The server's resume token for this connection: presented in hello after
   * a reconnect, it takes the name back at once even if the server still
   * holds the old connection, without hanging up a call.
   */
  resume: '',
};

const peerView = new PeerMediaView(/** @type {HTMLElement} */ (ui.remoteVideo.parentElement), ui.localVideo);
const signaling = new Signaling(signalingURL(), onMessage, onLink);
const ringer = new Ringer();

const users = new UserList(
  byId('userlist', HTMLUListElement),
  byId('user_filter', HTMLInputElement),
  byId('userlist_empty', HTMLElement),
  byId('user_count', HTMLElement),
  (name) => {
    if (session.link !== 'open') {
      notify('Not connected to the server; try again in a moment.');
      return;
    }
    void phone.placeCall(name);
  },
);

const chat = new Chat(byId('chat_log', HTMLOListElement), byId('chat_form', HTMLFormElement), byId('chat_input', HTMLInputElement), (text) => {
  const ok = signaling.send({ type: 'message', text, id: session.clientId, date: Date.now() });
  if (!ok) notify('Not connected to the server; your message was not sent.');
  return ok;
});

const phone = new Phone({
  send: (m) => signaling.send(m),
  myName: () => session.name,
  notify,
  onChange: render,
  remoteVideo: ui.remoteVideo,
  localVideo: ui.localVideo,
});

/**
 * Shows a message to the user until dismissed or replaced.
 * @param {string} text
 */
function notify(text) {
  ui.noticeText.textContent = text;
  ui.notice.hidden = false;
}

/** @param {Message} m */
function onMessage(m) {
  switch (m.type) {
    case 'id':
      session.clientId = m.id ?? 0;
      if (session.wanted) sendUsername();
      break;
    case 'session':
      session.resume = m.resume ?? '';
      break;
    case 'hello':
      break; // the server says which features it accepted; both list styles are handled
    case 'rejectusername':
      if (m.name) {
        notify(`The name “${session.wanted}” was taken, so you are “${m.name}”.`);
        setName(m.name);
      }
      break;
    case 'userlist':
      // A peer missing from a list is not taken as gone: after a server
      // restart the lists fill up as clients come back, while calls go on.
      users.replace(m.users ?? []);
      if (session.name) session.joined = true;
      break;
    case 'user-joined':
      for (const name of deltaNames(m)) {
        users.add(name);
        if (name !== session.name) chat.system(`${name} joined.`);
      }
      break;
    case 'user-left':
      for (const name of deltaNames(m)) {
        users.remove(name);
        chat.system(`${name} left.`);
        phone.onPeerGone(name, Reason.Disconnected);
      }
      break;
    case 'message':
      chat.add(m.name ?? '?', m.text ?? '', m.date);
      break;
    case 'video-offer':
      phone.onOffer(m);
      break;
    case 'video-answer':
      phone.onAnswer(m);
      break;
    case 'new-ice-candidate':
      phone.onCandidate(m);
      break;
    case 'hang-up':
      phone.onHangUp(m);
      break;
    case 'media-state':
      phone.onMediaState(m);
      break;
    case 'ice-servers':
      phone.iceServers = m.iceServers ?? [];
      break;
    case 'error':
      onServerError(m);
      break;
  }
}

/** @param {Message} m */
function onServerError(m) {
  if (m.code === 'no-such-user' && m.user && m.user === phone.peer && phone.state !== 'idle') {
    phone.onPeerGone(m.user, m.code);
    return;
  }
  if (m.code === 'unauthorized') {
    // Retrying with the same token fails the same way: stop, and say why.
    signaling.close();
    session.joined = false;
    showLogin(serverErrorText(m));
    return;
  }
  if (m.code === 'bad-name' && m.about === 'username') {
    // The server refused the name (too long, control characters): ask again.
    session.name = '';
    session.wanted = '';
    session.joined = false;
    showLogin(serverErrorText(m));
    return;
  }
  notify(serverErrorText(m));
}

/**
 * @param {LinkStatus} s
 * @param {string} detail
 */
function onLink(s, detail) {
  session.link = s;
  if (s === 'open') {
    signaling.send(session.resume ? { type: 'hello', features: FEATURES, resume: session.resume } : { type: 'hello', features: FEATURES });
    // Clear the "disconnected" notice, but not another message shown since.
    if (ui.noticeText.textContent === session.linkNotice) ui.notice.hidden = true;
  } else if (s === 'closed' && detail) {
    session.linkNotice = `Disconnected from the server (${detail}); reconnecting…`;
    notify(session.linkNotice);
  }
  render();
}

function sendUsername() {
  // After a reconnect the confirmed name is asked for again, so the user
  // keeps it if nobody took it meanwhile.
  const name = session.name || session.wanted;
  signaling.send({ type: 'username', name, id: session.clientId, date: Date.now() });
  if (!session.name) setName(name);
}

/** @param {string} name */
function setName(name) {
  session.name = name;
  users.setSelf(name);
  chat.self = name;
  ui.myName.textContent = name;
  ui.me.hidden = false;
  ui.login.hidden = true;
  ui.main.hidden = false;
  render();
}

/** @param {string} error */
function showLogin(error) {
  ui.loginError.textContent = error;
  ui.login.hidden = false;
  ui.main.hidden = true;
  ui.me.hidden = true;
  ui.loginName.focus();
}

ui.loginForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  const name = ui.loginName.value.trim();
  if (!name) return;
  if ([...name].length > MAX_NAME) {
    ui.loginError.textContent = `A name may have at most ${MAX_NAME} characters.`;
    return;
  }
  ui.loginError.textContent = '';
  ringer.unlock(); // inside the click: browsers allow sound from here on
  session.wanted = name;
  session.name = '';
  // The socket opens on the first Join, not on page load: the server closes
  // connections that stay unnamed too long, and a login form may sit idle.
  if (!signaling.started) signaling.connect();
  else if (session.clientId && session.link === 'open') sendUsername(); // otherwise on "id"
});

ui.noticeClose.addEventListener('click', () => (ui.notice.hidden = true));
document.addEventListener('keydown', (ev) => {
  // Escape declines a ringing call, as in other call apps.
  if (ev.key === 'Escape' && phone.state === 'ringing') phone.decline();
});
ui.hangup.addEventListener('click', () => phone.hangUp());
ui.accept.addEventListener('click', () => phone.accept());
ui.decline.addEventListener('click', () => phone.decline());
ui.mute.addEventListener('click', () => phone.toggleMute());
ui.camera.addEventListener('click', () => phone.toggleCamera());
ui.settingsButton.addEventListener('click', () => {
  ui.settings.hidden = !ui.settings.hidden;
  ui.settingsButton.setAttribute('aria-expanded', String(!ui.settings.hidden));
  if (!ui.settings.hidden) void refreshDevices();
});

/** @returns {MediaSettings} */
function readSettings() {
  const res = ui.resolution.value;
  return {
    cameraId: ui.cameraSelect.value,
    micId: ui.micSelect.value,
    resolution: res in RESOLUTIONS ? /** @type {keyof typeof RESOLUTIONS} */ (res) : '720p',
    frameRate: Number(ui.frameRate.value) || 30,
    echoCancellation: ui.echo.checked,
    noiseSuppression: ui.noise.checked,
    autoGainControl: ui.gain.checked,
  };
}

/** @param {'audio' | 'video'} kind */
function settingsChanged(kind) {
  const s = readSettings();
  try {
    localStorage.setItem(SETTINGS_KEY, JSON.stringify(s));
  } catch {
    // private mode or storage full: settings last for this page only
  }
  void phone.changeSettings(s, kind);
}

ui.cameraSelect.addEventListener('change', () => settingsChanged('video'));
ui.resolution.addEventListener('change', () => settingsChanged('video'));
ui.frameRate.addEventListener('change', () => settingsChanged('video'));
ui.micSelect.addEventListener('change', () => settingsChanged('audio'));
for (const box of [ui.echo, ui.noise, ui.gain]) box.addEventListener('change', () => settingsChanged('audio'));

/** Fills the pickers; labels appear once permission has been granted. */
async function refreshDevices() {
  try {
    const { cameras, mics } = await listDevices();
    setOptions(ui.cameraSelect, [{ value: '', label: 'Default camera' }, ...cameras.map((d, i) => ({ value: d.deviceId, label: d.label || `Camera ${i + 1}` }))]);
    setOptions(ui.micSelect, [{ value: '', label: 'Default microphone' }, ...mics.map((d, i) => ({ value: d.deviceId, label: d.label || `Microphone ${i + 1}` }))]);
  } catch (err) {
    notify('Could not list your devices: ' + (err instanceof Error ? err.message : String(err)));
  }
}

function loadSettings() {
  try {
    const saved = JSON.parse(localStorage.getItem(SETTINGS_KEY) ?? 'null');
    if (saved && typeof saved === 'object') {
      if (typeof saved.resolution === 'string' && saved.resolution in RESOLUTIONS) ui.resolution.value = saved.resolution;
      if (typeof saved.frameRate === 'number') ui.frameRate.value = String(saved.frameRate);
      for (const [box, on] of /** @type {const} */ ([[ui.echo, saved.echoCancellation], [ui.noise, saved.noiseSuppression], [ui.gain, saved.autoGainControl]])) {
        if (typeof on === 'boolean') box.checked = on;
      }
      for (const [select, id] of /** @type {const} */ ([[ui.cameraSelect, saved.cameraId], [ui.micSelect, saved.micId]])) {
        if (typeof id === 'string' && id) {
          const opt = document.createElement('option');
          opt.value = id;
          opt.textContent = 'Saved device';
          select.append(opt);
          select.value = id;
        }
      }
    }
  } catch {
    // unreadable settings are ignored: defaults apply
  }
  phone.settings = readSettings();
}

/** Status line text per state. */
function statusText() {
  const p = phone.peer;
  switch (phone.state) {
    case 'calling':
      return `Calling ${p}…`;
    case 'ringing':
      return `${p} is calling…`;
    case 'connecting':
      return `Connecting to ${p}…`;
    case 'in-call':
      return phone.reconnecting ? `Reconnecting to ${p}…` : `In call with ${p}`;
    default:
      return phone.endReason ? `Call ended: ${phone.endReason}` : 'Ready';
  }
}

function render() {
  const s = phone.state;
  const active = s !== 'idle';
  ui.status.textContent = statusText();
  ui.status.dataset.state = s;
  ui.linkDot.dataset.link = session.link;
  ui.linkDot.title = `Server connection: ${session.link}`;
  ui.hangup.disabled = !active || s === 'ringing';
  users.setBusy(active);
  ui.incoming.hidden = s !== 'ringing';
  if (s === 'ringing') ringer.start();
  else ringer.stop();
  ui.incomingCaller.textContent = s === 'ringing' ? phone.peer : '';
  if (s === 'ringing') ui.accept.focus();
  ui.placeholder.hidden = active;
  ui.placeholder.textContent = phone.endReason || 'Click a name on the left to start a call.';
  ui.mute.setAttribute('aria-pressed', String(phone.muted));
  ui.mute.textContent = phone.muted ? 'Unmute' : 'Mute';
  ui.camera.setAttribute('aria-pressed', String(phone.cameraOff));
  ui.camera.textContent = phone.cameraOff ? 'Camera on' : 'Camera off';
  ui.localVideo.classList.toggle('off', phone.cameraOff || !phone.local?.getVideoTracks().length);
  renderPeerMedia();
  document.body.dataset.call = s;
  // The tab title tells a user in another tab that someone is calling.
  document.title = s === 'ringing' ? `${phone.peer} is calling — Parley` : s === 'in-call' ? `In call with ${phone.peer} — Parley` : 'Parley';
  tick();
  if (phone.local) void refreshDevices(); // labels are readable once a device is open
}

/**
 * Over the peer's picture: their name with "Camera off" while their camera
 * is off (instead of a black or frozen picture), and a badge while they are
 * muted, as they said in their media-state.
 */
function renderPeerMedia() {
  const pm = phone.state === 'in-call' ? phone.peerMedia : null;
  peerView.render(phone.peer, pm);
}

/** Updates the call timer. */
function tick() {
  const on = phone.state === 'in-call' && phone.connectedAt > 0;
  ui.timer.hidden = !on;
  ui.timer.textContent = on ? formatDuration(Date.now() - phone.connectedAt) : '';
}
setInterval(tick, 1000);

navigator.mediaDevices?.addEventListener('devicechange', () => void refreshDevices());
window.addEventListener('pagehide', () => {
  phone.hangUp();
  signaling.close();
});
window.addEventListener('pageshow', (ev) => {
  if (ev.persisted && signaling.started) signaling.connect(); // restored from the back/forward cache
});

Object.defineProperty(window, 'parley', {
  value: Object.freeze({
    get state() {
      return session.joined ? phone.state : 'signed-out';
    },
    get name() {
      return session.name;
    },
    get peer() {
      return phone.peer;
    },
    get endReason() {
      return phone.endReason;
    },
    get pc() {
      return phone.pc;
    },
    get users() {
      return [...users.users];
    },
    get link() {
      return session.link;
    },
    get ringing() {
      return ringer.audible;
    },
  }),
});

loadSettings();
void refreshDevices();
render();
