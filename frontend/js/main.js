// @ts-check
/**
 * The page's entry point: finds the engine (backend.js), starts drawing the
 * bridge's frames, and wires the engine's events to the parts of the window.
 */
import { connectBackend, methods } from './backend.js';
import { CallView, inCall } from './callview.js';
import { Chat } from './chat.js';
import { byId, errorText } from '../shared/dom.js';
import { PeerMediaView } from '../shared/peermedia.js';
import { errorToast, failedCallToast } from './errors.js';
import { STREAM_LOCAL, STREAM_REMOTE } from './framestream.js';
import { IncomingDialog } from './incoming.js';
import { JoinDialog } from './join.js';
import { Login } from './login.js';
import { reportStart, startReports } from './report.js';
import { SettingsPanel } from './settings.js';
import { installShortcuts } from './shortcuts.js';
import { StatsPanel } from './stats.js';
import { Toasts } from './toasts.js';
import { UserList } from './users.js';
import { VideoView } from './video.js';

/** @typedef {import('./backend.js').Backend} Backend */
/** @typedef {import('./backend.js').CallState} CallState */
/** @typedef {import('./backend.js').SettingsWarning} SettingsWarning */
/** @typedef {import('./backend.js').SignalingEvent} SignalingEvent */
/** @typedef {import('./backend.js').ServerInfo} ServerInfo */

async function main() {
  const toasts = new Toasts(byId('toasts', HTMLElement));
  const backend = await connectBackend();
  if (!backend) {
    toasts.show({ kind: 'error', sticky: true, title: 'The Parley engine is not running.',
      detail: `This page needs the desktop app's Go side (window.go.desktop.App: ${methods.join(', ')}).` });
    return;
  }
  /** @param {string} title @param {string} [detail] */
  const notify = (title, detail) => toasts.show({ kind: 'error', title, detail });
  /** @param {unknown} e */
  const fail = (e) => notify('That did not work.', errorText(e));

  const received = byId('received_video', HTMLCanvasElement);
  const local = byId('local_video', HTMLCanvasElement);
  const video = new VideoView(() => backend.FrameBridgeURL(), {
    // ?renderer=2d or ?renderer=webgl overrides the web view's preferred one.
    renderer: rendererParam(new URLSearchParams(location.search).get('renderer')),
    onStart: (stream) => reportStart(backend, video, stream),
  });
  video.attach(STREAM_REMOTE, received);
  video.attach(STREAM_LOCAL, local);
  video.start();
  startReports(backend, video);

  const call = new CallView({
    root: document.body,
    line: byId('call-state', HTMLElement),
    mute: byId('btn-mute', HTMLButtonElement),
    camera: byId('btn-camera', HTMLButtonElement),
    hangup: byId('btn-hangup', HTMLButtonElement),
    peer: new PeerMediaView(/** @type {HTMLElement} */ (received.parentElement), local),
  });
  let myName = '';
  /** @type {string[]} */
  let online = [];
  /** @type {SignalingEvent} */
  let signaling = { status: 'offline', server: '' };
  const users = new UserList(byId('users', HTMLUListElement), byId('user-search', HTMLInputElement),
    (name) => backend.Call(name).catch(fail));
  const chat = new Chat(byId('chat-log', HTMLOListElement), byId('chat-form', HTMLFormElement),
    byId('chat-input', HTMLInputElement), (t) => backend.SendChat(t), (m) => notify('The message was not sent.', m));
  const incoming = new IncomingDialog(byId('incoming', HTMLDialogElement), byId('incoming-caller', HTMLElement), {
    accept: () => backend.Accept().catch(fail),
    decline: () => backend.Decline().catch(fail),
  });
  const login = new Login({ form: byId('login-form', HTMLFormElement), input: byId('login-name', HTMLInputElement),
    status: byId('signaling-status', HTMLElement) }, (n) => backend.Login(n), notify);
  const settings = new SettingsPanel(backend, video, (m) => notify(m));
  const join = new JoinDialog({
    dialog: byId('join-dialog', HTMLDialogElement), form: byId('join-form', HTMLFormElement),
    input: byId('join-link', HTMLInputElement), error: byId('join-error', HTMLElement),
  }, (link) => backend.JoinLink(link),
  (where) => toasts.show({ kind: 'info', key: 'server', title: `Joining ${where}…`,
    // The engine moves only after the call, not in the middle of it.
    detail: call.state.state !== 'idle' && call.state.state !== 'ended' ? 'The call goes on; Parley moves to that server when it ends.' : undefined }));
  const stats = new StatsPanel(byId('stats', HTMLElement), byId('stats-table', HTMLElement), video, received);

  const toggleMute = () => {
    const muted = !call.muted;
    backend.SetMuted(muted).then(() => call.setToggles({ muted }), fail);
  };
  const toggleCamera = () => {
    const cameraOff = !call.cameraOff;
    backend.SetCameraOff(cameraOff).then(() => call.setToggles({ cameraOff }), fail);
  };
  // One hang-up per call: the native menu's Ctrl+E and the page's own
  // shortcut may both fire before the engine reports the end.
  let hangingUp = false;
  const hangUp = () => {
    if (!inCall(call.state) || hangingUp) return;
    hangingUp = true;
    backend.HangUp().catch((e) => { hangingUp = false; fail(e); });
  };
  const openSettings = () => { settings.open(); };
  const joinLink = () => join.open();
  const actions = { reconnect: () => { backend.Reconnect().catch(fail); }, openSettings, joinLink };
  byId('btn-mute', HTMLButtonElement).addEventListener('click', toggleMute);
  byId('btn-camera', HTMLButtonElement).addEventListener('click', toggleCamera);
  byId('btn-hangup', HTMLButtonElement).addEventListener('click', hangUp);
  byId('btn-settings', HTMLButtonElement).addEventListener('click', () => (settings.isOpen ? settings.close() : settings.open()));
  byId('btn-stats', HTMLButtonElement).addEventListener('click', () => stats.toggle());
  byId('btn-join-link', HTMLButtonElement).addEventListener('click', joinLink);
  installShortcuts({
    toggleMute, toggleCamera, hangUp,
    closePanel: () => {
      if (settings.isOpen) { settings.close(); return true; }
      if (!stats.root.hidden) { stats.close(); return true; }
      return false;
    },
  });

  let lastSeq = 0;
  /** @param {CallState} st */
  const setState = (st) => {
    if (st.seq !== undefined) {
      if (st.seq <= lastSeq) return; // delivered late: a newer state is showing
      lastSeq = st.seq;
    }
    hangingUp = false;
    call.set(st);
    users.setCanCall(!inCall(st) && st.state !== 'ringing');
    // The dialog follows the state (which names the caller), so it is
    // right whichever of "state" and "incoming-call" arrives first.
    if (st.state === 'ringing' && st.peer && !incoming.isOpen) incoming.open(st.peer);
    if (st.state !== 'ringing' && incoming.isOpen) incoming.close();
    if (st.state === 'ended' && st.reason === 'failed') toasts.show(failedCallToast(actions));
  };
  const showUsers = () => users.set(online, myName);
  /** @param {SettingsWarning} w */
  const warnSettings = (w) => toasts.show({ kind: 'warning', sticky: true, key: 'settings-warning',
    title: 'Your settings file could not be used, so Parley started with default settings.',
    detail: w.backup ? `The old file is kept as ${w.backup}. ${w.message}` : w.message,
    actions: [{ label: 'Open settings', run: openSettings }] });

  /** The host of the server in use as last shown; null until known. @type {string|null} */
  let serverHost = null;
  /** @param {ServerInfo} info */
  const showServer = (info) => {
    const host = (info.embedded && info.host) || '';
    if (info.embedded && info.host && info.firstJoin) {
      // The one moment the user can check that the desktop found is the
      // one they think: its fingerprint is pinned from now on.
      toasts.show(firstJoinToast(info.host, info.fingerprint));
    } else if (serverHost !== null && host !== serverHost) {
      toasts.show({ kind: 'info', key: 'server',
        title: host ? `Now meeting on ${host}'s server` : 'Now meeting on this computer\'s server' });
    }
    serverHost = host;
  };

  backend.on('signaling', (s) => {
    if (s.status === 'reconnecting') {
      toasts.show({ kind: 'warning', key: 'reconnect', sticky: true, title: 'Lost the connection to the server. Reconnecting…',
        detail: 'A call in progress goes on: sound and video do not pass through the server.' });
    } else if (s.status === 'online' && signaling.status === 'reconnecting') {
      toasts.show({ kind: 'info', key: 'reconnect', title: 'Reconnected to the server.' });
    }
    signaling = s;
    login.set(s, myName);
    if (s.status === 'online') toasts.dismiss('signaling');
  });
  backend.on('name', (n) => {
    myName = n.name;
    login.set(signaling, myName);
    showUsers();
  });
  backend.on('users', (u) => { online = u.users; showUsers(); });
  backend.on('state', setState);
  backend.on('chat', (m) => chat.add(m, m.from === myName));
  backend.on('incoming-call', (i) => { if (call.state.state === 'ringing' && !incoming.isOpen) incoming.open(i.from); });
  backend.on('error', (e) => toasts.show(errorToast(e, actions)));
  backend.on('stats', (s) => stats.setCall(s.stats));
  backend.on('peer-media', (pm) => call.setPeerMedia(pm));
  backend.on('settings-warning', warnSettings);
  backend.on('server', showServer);
  backend.on('menu', (action) => {
    switch (action) {
      case 'toggle-mute': toggleMute(); break;
      case 'toggle-camera': toggleCamera(); break;
      case 'settings': openSettings(); break;
    }
  });

  try {
    const snap = await backend.Snapshot();
    signaling = snap.signaling;
    myName = snap.name;
    online = snap.users;
    login.set(signaling, myName);
    showUsers();
    setState(snap.call);
    call.setToggles({ muted: snap.muted, cameraOff: snap.cameraOff });
    call.setPeerMedia(snap.peerMedia ?? null);
    if (snap.call.state === 'ringing') incoming.open(snap.call.peer ?? '');
    if (snap.settingsWarning) warnSettings(snap.settingsWarning);
    if (snap.displayName) login.suggest(snap.displayName);
  } catch (e) {
    notify('Could not read the engine state.', errorText(e));
  }
  // The server in use as the page opens: a first join made while the app
  // started (before this page listened) is announced now; a "server" event
  // that came first already set the host and wins.
  backend.ServerInfo().then((info) => { if (serverHost === null) showServer(info); }, () => {});
}

main();


/**
 * firstJoinToast tells that this desktop met another's built-in server for
 * the first time, with the fingerprint it now holds that server to. The
 * host's name comes from the network: the toast renders it as text.
 * @param {string} host
 * @param {string} fingerprint
 * @returns {import('./toasts.js').Toast}
 */
function firstJoinToast(host, fingerprint) {
  return { kind: 'info', sticky: true, key: 'server',
    title: `Joined ${host}'s Parley server on this network`,
    detail: `First time: its certificate fingerprint is ${fingerprint}. Later joins are held to it; ` +
      `compare it with ${host}'s Settings if you want to be sure.` };
}

/**
 * The renderer a ?renderer= parameter names, undefined for none or another.
 * @param {string|null} v
 * @returns {'2d'|'webgl'|undefined}
 */
function rendererParam(v) {
  return v === '2d' || v === 'webgl' ? v : undefined;
}
