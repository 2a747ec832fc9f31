// @ts-check
/**
 * The settings panel. Device choices take effect at once through
 * PreviewDevices (so the camera preview and the level meter show the choice)
 * and are reverted on Cancel; Save persists everything.
 */
import { byId, el, errorText } from '../shared/dom.js';
import { STREAM_LOCAL } from './framestream.js';

/** @typedef {import('./backend.js').Backend} Backend */
/** @typedef {import('./backend.js').Settings} Settings */
/** @typedef {import('./backend.js').Device} Device */
/** @typedef {import('./backend.js').ServerInfo} ServerInfo */
/** @typedef {import('./backend.js').Devices} Devices */
/** @typedef {import('./backend.js').ICEServer} ICEServer */
/** @typedef {import('./video.js').VideoView} VideoView */

const RESOLUTIONS = /** @type {const} */ (['360p', '480p', '720p', '1080p']);
const FRAME_RATES = [15, 24, 30, 60];

export class SettingsPanel {
  /**
   * @param {Backend} backend
   * @param {VideoView} video
   * @param {(msg: string) => void} onError
   */
  constructor(backend, video, onError) {
    this.backend = backend;
    this.video = video;
    this.onError = onError;
    this.root = byId('settings', HTMLElement);
    this.form = byId('settings-form', HTMLFormElement);
    this.camera = byId('set-camera', HTMLSelectElement);
    this.resolution = byId('set-resolution', HTMLSelectElement);
    this.frameRate = byId('set-framerate', HTMLSelectElement);
    this.microphone = byId('set-microphone', HTMLSelectElement);
    this.speaker = byId('set-speaker', HTMLSelectElement);
    this.name = byId('set-name', HTMLInputElement);
    this.server = byId('set-server', HTMLInputElement);
    this.ice = byId('set-ice', HTMLElement);
    this.level = byId('set-level', HTMLElement);
    this.preview = byId('settings_preview', HTMLCanvasElement);
    this.discovery = byId('set-discovery', HTMLInputElement);
    this.echo = byId('set-echo', HTMLInputElement);
    this.noise = byId('set-noise', HTMLInputElement);
    this.gain = byId('set-gain', HTMLInputElement);
    this.serverTitle = byId('server-title', HTMLElement);
    this.links = byId('server-links', HTMLElement);
    this.fingerprint = byId('server-fingerprint', HTMLElement);
    /** @type {Settings|null} the saved settings, for Cancel */
    this.saved = null;

    for (const r of RESOLUTIONS) this.resolution.append(el('option', { value: r, text: r }));
    for (const f of FRAME_RATES) this.frameRate.append(el('option', { value: String(f), text: `${f} fps` }));
    for (const s of [this.camera, this.microphone, this.resolution, this.frameRate]) {
      s.addEventListener('change', () => this.previewDevices());
    }
    byId('set-test-sound', HTMLButtonElement).addEventListener('click', () => {
      backend.PlayTestSound(this.speaker.value).catch((e) => onError(`Test sound: ${errorText(e)}`));
    });
    byId('set-ice-add', HTMLButtonElement).addEventListener('click', () => this.ice.append(iceRow({ urls: [] })));
    byId('settings-cancel', HTMLButtonElement).addEventListener('click', () => this.close());
    this.form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      this.save();
    });
    backend.on('devices', (d) => { if (this.isOpen) this.fillDevices(d, this.current()); });
    // The server in use can change while the panel is open (another
    // desktop's found on the network, or ours again when its host quit).
    backend.on('server', (info) => { if (this.isOpen) this.showServer(info); });
    backend.on('level', (l) => { this.level.style.setProperty('--level', String(Math.max(0, Math.min(1, l.level)))); });
  }

  get isOpen() {
    return !this.root.hidden;
  }

  async open() {
    if (this.isOpen) return;
    this.root.hidden = false;
    this.clearErrors();
    this.video.attach(STREAM_LOCAL, this.preview);
    try {
      const [s, devices] = await Promise.all([this.backend.GetSettings(), this.backend.ListDevices()]);
      this.saved = s;
      this.fill(s, devices);
    } catch (e) {
      this.onError(`Could not read the settings: ${errorText(e)}`);
    }
    this.backend.ServerInfo().then((info) => this.showServer(info),
      (e) => { this.fingerprint.textContent = `unknown (${errorText(e)})`; });
  }

  /**
   * showServer describes the built-in server in use: this computer's, or
   * another desktop's found on the network, named after its host. The
   * host's name comes from the network, so it goes in as text only.
   * @param {ServerInfo} info
   */
  showServer(info) {
    this.serverTitle.textContent = info.host ? `${info.host}'s server (found on this network)` : 'This computer\'s server';
    this.links.replaceChildren(...info.links.map((l) => el('li', {},
      el('code', { text: l }),
      el('button', { type: 'button', text: 'Copy', 'aria-label': `Copy ${l}`, onclick: () => this.copy(l) }))));
    if (!info.embedded) this.links.append(el('li', { text: 'This app uses another server; see the address above.' }));
    this.fingerprint.textContent = info.fingerprint || '–';
  }

  /** Closes without saving and reverts previewed devices. */
  close() {
    if (!this.isOpen) return;
    this.root.hidden = true;
    this.video.detach(STREAM_LOCAL, this.preview);
    const s = this.saved;
    if (s) {
      this.backend.PreviewDevices({ camera: s.camera, microphone: s.microphone, resolution: s.resolution, frameRate: s.frameRate })
        .catch((e) => this.onError(errorText(e)));
    }
  }

  /**
   * @private
   * @param {Settings} s
   * @param {Devices} d
   */
  fill(s, d) {
    this.fillDevices(d, s);
    this.resolution.value = s.resolution;
    this.frameRate.value = String(s.frameRate);
    if (this.frameRate.value !== String(s.frameRate)) {
      this.frameRate.append(el('option', { value: String(s.frameRate), text: `${s.frameRate} fps` }));
      this.frameRate.value = String(s.frameRate);
    }
    this.name.value = s.displayName;
    this.server.value = s.signalingUrl;
    // Absent only from an engine older than the setting, whose default is on.
    this.discovery.checked = s.discovery !== false;
    this.echo.checked = s.echoCancellation !== false;
    this.noise.checked = s.noiseSuppression !== false;
    this.gain.checked = s.autoGainControl !== false;
    this.ice.replaceChildren(...s.iceServers.map(iceRow));
  }

  /**
   * @private
   * @param {Devices} d
   * @param {Pick<Settings, 'camera'|'microphone'|'speaker'>} chosen
   */
  fillDevices(d, chosen) {
    fillSelect(this.camera, d.cameras, chosen.camera);
    fillSelect(this.microphone, d.microphones, chosen.microphone);
    fillSelect(this.speaker, d.speakers, chosen.speaker);
  }

  /**
   * current reads the form.
   * @private
   * @returns {Settings}
   */
  current() {
    return {
      version: this.saved?.version ?? 1,
      camera: this.camera.value,
      resolution: /** @type {Settings['resolution']} */ (this.resolution.value),
      frameRate: Number(this.frameRate.value),
      microphone: this.microphone.value,
      speaker: this.speaker.value,
      displayName: this.name.value.trim(),
      signalingUrl: this.server.value.trim(),
      iceServers: [...this.ice.querySelectorAll('.ice-row')].map(readIceRow),
      // Always sent: a missing field would save as false and turn discovery off.
      discovery: this.discovery.checked,
      // Likewise: each applies at once, mid-call too.
      echoCancellation: this.echo.checked,
      noiseSuppression: this.noise.checked,
      autoGainControl: this.gain.checked,
    };
  }

  /** @private */
  previewDevices() {
    const s = this.current();
    this.backend.PreviewDevices({ camera: s.camera, microphone: s.microphone, resolution: s.resolution, frameRate: s.frameRate })
      .catch((e) => this.onError(`Could not switch devices: ${errorText(e)}`));
  }

  /** @private */
  async save() {
    this.clearErrors();
    const s = this.current();
    try {
      const fe = await this.backend.SaveSettings(s);
      if (fe) {
        this.showError(fe.field, fe.problem);
        return;
      }
      this.saved = s;
      this.close();
    } catch (e) {
      this.onError(`Could not save the settings: ${errorText(e)}`);
    }
  }

  /**
   * showError puts problem next to the field it concerns; fields without a
   * place of their own (version) go to the form's general line.
   * @private
   * @param {string} field
   * @param {string} problem
   */
  showError(field, problem) {
    const m = /^iceServers\[(\d+)\]$/.exec(field);
    /** @type {Element|null} */
    let slot = null;
    if (m) slot = this.ice.querySelectorAll('.ice-row .field-error')[Number(m[1])] ?? null;
    else slot = this.form.querySelector(`.field-error[data-for="${CSS.escape(field)}"]`);
    slot ??= this.form.querySelector('.field-error[data-for="form"]');
    if (slot) slot.textContent = `${labelOf(field)} ${problem}`;
  }

  /**
   * copy puts text on the clipboard through the engine (WebKitGTK offers no
   * navigator.clipboard on the wails:// origin), falling back to the
   * browser's own ways.
   * @private
   * @param {string} text
   */
  copy(text) {
    this.backend.CopyText(text).catch(() => browserCopy(text));
  }

  /** @private */
  clearErrors() {
    for (const e of this.form.querySelectorAll('.field-error')) e.textContent = '';
  }
}

/** @param {string} field */
function labelOf(field) {
  /** @type {Record<string, string>} */
  const labels = { displayName: 'The name', signalingUrl: 'The server address', frameRate: 'The frame rate', resolution: 'The resolution' };
  if (field.startsWith('iceServers')) return 'This server';
  return labels[field] ?? `The ${field}`;
}

/**
 * fillSelect lists devices with "System default" first, keeping a chosen
 * device that is not plugged in visible instead of silently switching.
 * @param {HTMLSelectElement} sel
 * @param {Device[]} devices
 * @param {string} chosen
 */
function fillSelect(sel, devices, chosen) {
  const opts = [el('option', { value: '', text: 'System default' })];
  for (const d of devices) {
    const label = d.label || d.name;
    opts.push(el('option', { value: d.name, text: d.isDefault ? `${label} (default)` : label }));
  }
  if (chosen && !devices.some((d) => d.name === chosen)) {
    opts.push(el('option', { value: chosen, text: `${chosen} (not connected)` }));
  }
  sel.replaceChildren(...opts);
  sel.value = chosen;
}

/** @param {ICEServer} s */
function iceRow(s) {
  const row = el('div', { class: 'ice-row' },
    el('input', { class: 'ice-urls', type: 'text', placeholder: 'turn:turn.example.org:3478, stun:…', 'aria-label': 'Server URLs, comma separated', value: s.urls.join(', ') }),
    el('input', { class: 'ice-user', type: 'text', autocomplete: 'off', placeholder: 'username', 'aria-label': 'Username', value: s.username ?? '' }),
    el('input', { class: 'ice-cred', type: 'password', autocomplete: 'off', placeholder: 'credential', 'aria-label': 'Credential', value: s.credential ?? '' }),
    el('button', { type: 'button', class: 'ice-remove', text: 'Remove', onclick: () => row.remove() }),
    el('p', { class: 'field-error', 'aria-live': 'polite' }));
  return row;
}

/**
 * @param {Element} row
 * @returns {ICEServer}
 */
function readIceRow(row) {
  /** @param {string} c */
  const v = (c) => /** @type {HTMLInputElement} */ (row.querySelector(`.${c}`)).value.trim();
  /** @type {ICEServer} */
  const s = { urls: v('ice-urls').split(',').map((u) => u.trim()).filter(Boolean) };
  if (v('ice-user')) s.username = v('ice-user');
  if (v('ice-cred')) s.credential = v('ice-cred');
  return s;
}

/**
 * browserCopy puts text on the clipboard with the async API, or an
 * off-screen selection and execCommand where that is refused.
 * @param {string} text
 */
function browserCopy(text) {
  navigator.clipboard?.writeText(text).catch(fallback) ?? fallback();
  function fallback() {
    const ta = el('textarea', { class: 'offscreen' });
    ta.value = text;
    document.body.append(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}
