// @ts-check
/**
 * Chromium's side of the sound benchmark: Chromium pages of Parley's
 * browser client (served by parley-signal) call each other with a WAV file
 * as microphone, and record what they receive, as 48 kHz mono 16-bit WAV
 * files with the wall-clock time of their first sample. Prints JSON lines
 * for the Go harness (bench/cmd/parley-bench) on stdout:
 *
 *   {"event":"ready","names":{...}}      every page signed in (asked → given name)
 *   {"event":"connected","at":MS}        every page receives audio packets, and
 *                                        every recorder runs; recording goes on
 *                                        for cfg.seconds from here
 *   {"event":"result","pages":[...]}     see PageResult
 *   {"event":"error","text":"..."}       then exit status 1
 *
 * Usage: node sound.mjs '<config JSON>' (see Config below). Each page runs
 * in its own Chromium process, with its own microphone file, as two users
 * on two machines would. Nothing but 127.0.0.1 and local files is used, so
 * it runs inside a network namespace with only lo. The script exits when
 * the call is over, or when stdin closes (so a harness that dies cannot
 * leave browsers behind).
 *
 * Chromium flags (see chromiumArgs): --use-fake-device-for-media-stream and
 * --use-fake-ui-for-media-stream give a fake camera and microphone without
 * a prompt; --use-file-for-fake-audio-capture=FILE%noloop makes FILE the
 * microphone, played once from the moment the microphone opens and silence
 * after it (without %noloop Chromium loops it; a page without micFile keeps
 * the fake device's beep); --autoplay-policy=no-user-gesture-required lets
 * the client's <video> play the remote stream and the recorder's
 * AudioContext run without a click. No audio-output flag is needed: with no
 * sound hardware (and no PulseAudio), headless Chromium renders audio
 * through its fake output stream, on a timer at the real-time rate, so
 * WebAudio and media elements run as on a machine with a sound card.
 *
 * A remote WebRTC audio track is decoded only while something plays it out:
 * here the client's own #received_video (autoplay, not muted) does, and the
 * recorder taps the same receiver track.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chromium } from '../../tests/e2e/node_modules/playwright-core/index.mjs';
import { waitFor } from '../../tests/e2e/lib/signal.mjs';
import { audioStatsFrom, installSound, SAMPLE_RATE, wavFile, WORKLET_SOURCE } from './sound-page.mjs';

/**
 * @typedef {object} PageSpec
 * @property {string} name          the name to sign in with
 * @property {string} [call]        the user to call once both are online
 * @property {string} [micFile]     WAV file to use as this page's microphone (played once);
 *                                  absent: Chromium's fake microphone (a beep)
 * @property {string} [record]      path of a WAV to write with what this page received from the remote peer
 * @property {string} [recordLocal] path of a WAV to write with this page's own microphone track, as captured
 *
 * @typedef {object} Config
 * @property {string} signal       http URL of parley-signal (the client is served at /)
 * @property {string} [chromium]   executable, default /usr/bin/chromium
 * @property {PageSpec[]} pages
 * @property {number} seconds      how long to record once audio flows on every page
 * @property {number} timeout      ms to wait for each step
 * @property {boolean} [processing] the microphone's echo cancellation, noise suppression and
 *                                  auto gain; default false (all three off)
 *
 * @typedef {object} Recording
 * @property {string} path
 * @property {number} startMs  Unix ms (fractional) of the first sample (see sound-page.mjs on timing)
 * @property {number} samples  at 48 kHz
 * @property {number} gaps     render quanta the page's AudioContext skipped (filled with silence)
 * @property {number} offsetSpreadMs spread of the context-time → Unix-ms mapping over the recording
 * @property {number} latencyMs the recorder's context latency taken off startMs (base + output)
 * @property {number} peak     largest |sample|, 0..1
 * @property {number} rms      0..1
 *
 * @typedef {object} PageResult
 * @property {string} name           the name the page got
 * @property {Recording} [record]
 * @property {Recording} [recordLocal]
 * @property {Record<string, number | string>} audioStats  the inbound-rtp audio stat at the end
 *   (audioStatsFrom in sound-page.mjs: counters as Chromium gives them, delays in ms per sample)
 * @property {Record<string, unknown>} micSettings  the local audio track's getSettings()
 * @property {number} [outboundAudioSsrc]  the SSRC of the audio the page sends
 */

/** @param {object} v */
function emit(v) {
  process.stdout.write(JSON.stringify(v) + '\n');
}

/** @param {PageSpec} spec */
function chromiumArgs(spec) {
  const args = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--autoplay-policy=no-user-gesture-required'];
  if (spec.micFile) args.push(`--use-file-for-fake-audio-capture=${path.resolve(spec.micFile)}%noloop`);
  return args;
}

/**
 * The page's inbound-rtp audio stat, with its codec and playout stats, from
 * the native getStats (a page's shim of pc.getStats cannot get in the way).
 * @param {import('playwright-core').Page} page
 */
function inboundAudio(page) {
  return page.evaluate(async () => {
    /** @type {RTCPeerConnection | null} */
    const pc = window.parley?.pc ?? null;
    if (!pc) return null;
    const stats = await RTCPeerConnection.prototype.getStats.call(pc);
    /** @type {Record<string, any> | null} */
    let inbound = null;
    stats.forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio' && (!inbound || s.packetsReceived > inbound.packetsReceived)) inbound = s;
    });
    if (!inbound) return null;
    const inb = /** @type {Record<string, any>} */ (inbound);
    return { inbound: inb, codec: inb.codecId ? stats.get(inb.codecId) : undefined, playout: inb.playoutId ? stats.get(inb.playoutId) : undefined };
  });
}

/**
 * The SSRC of the audio the page sends, from the native getStats.
 * @param {import('playwright-core').Page} page
 * @returns {Promise<number | undefined>}
 */
function outboundAudioSsrc(page) {
  return page.evaluate(async () => {
    /** @type {RTCPeerConnection | null} */
    const pc = window.parley?.pc ?? null;
    if (!pc) return undefined;
    const stats = await RTCPeerConnection.prototype.getStats.call(pc);
    /** @type {number | undefined} */
    let ssrc;
    stats.forEach((s) => {
      if (s.type === 'outbound-rtp' && s.kind === 'audio') ssrc = s.ssrc;
    });
    return ssrc;
  });
}

/**
 * Writes one recording out of the page: base64 Int16 in 1 s pieces, so
 * no single message to Node gets large.
 * @param {import('playwright-core').Page} page
 * @param {string} name 'remote' or 'local'
 * @param {string} file
 * @returns {Promise<Recording | null>}
 */
async function saveRecording(page, name, file) {
  const info = await page.evaluate((n) => /** @type {any} */ (window).__sound.info(n), name);
  if (!info) return null;
  /** @type {Buffer[]} */
  const parts = [];
  for (let from = 0; from < info.samples; from += SAMPLE_RATE) {
    const b64 = await page.evaluate(([n, f, k]) => /** @type {any} */ (window).__sound.readChunk(n, f, k), /** @type {const} */ ([name, from, SAMPLE_RATE]));
    parts.push(Buffer.from(b64, 'base64'));
  }
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, wavFile(Buffer.concat(parts), SAMPLE_RATE));
  return { path: file, startMs: info.startMs, samples: info.samples, gaps: info.gaps, offsetSpreadMs: info.offsetSpreadMs, peak: info.peak, rms: info.rms, latencyMs: info.baseLatencyMs + info.outputLatencyMs };
}

/**
 * Signs page in as name. A page that is not idle with its link open in
 * time is loaded once more (the sound cases failed this way about once in
 * 20 page starts); the error then says where the client was.
 * @param {import('playwright-core').Page} page
 * @param {string} url
 * @param {string} name
 * @param {number} timeout ms for the whole sign-in
 */
async function signIn(page, url, name, timeout) {
  for (let attempt = 1; ; attempt++) {
    await page.goto(url);
    await page.fill('#login_name', name);
    await page.click('#login_button');
    try {
      await page.waitForFunction(() => window.parley?.state === 'idle' && window.parley.link === 'open', null, { timeout: timeout / 2 });
      return;
    } catch (err) {
      const where = await page.evaluate(() => ({ state: window.parley?.state, link: window.parley?.link })).catch(() => ({}));
      process.stderr.write(`sound.mjs: ${name} not signed in (attempt ${attempt}): ${JSON.stringify(where)}\n`);
      if (attempt === 2) throw new Error(`${name} not signed in after two tries of ${timeout / 2} ms: client ${JSON.stringify(where)}`);
    }
  }
}

async function main() {
  /** @type {Config} */
  const cfg = JSON.parse(process.argv[2] ?? '');
  process.stdin.on('end', () => process.exit(3));
  process.stdin.resume();
  const processing = cfg.processing ?? false;
  const browsers = await Promise.all(cfg.pages.map((spec) => chromium.launch({ executablePath: cfg.chromium || '/usr/bin/chromium', headless: true, args: chromiumArgs(spec) })));
  try {
    const pages = await Promise.all(
      cfg.pages.map(async (spec, i) => {
        // bypassCSP: the recorder's worklet loads from a Blob URL (sound-page.mjs).
        const context = await browsers[i].newContext({ permissions: ['camera', 'microphone'], viewport: { width: 1100, height: 700 }, bypassCSP: true });
        const pageCfg = { processing, record: !!spec.record, recordLocal: !!spec.recordLocal, chunk: 4800, sampleRate: SAMPLE_RATE, worklet: WORKLET_SOURCE };
        await context.addInitScript(`(${installSound.toString()})(${JSON.stringify(pageCfg)});`);
        const page = await context.newPage();
        await signIn(page, cfg.signal, spec.name, cfg.timeout);
        return { spec, page, given: await page.evaluate(() => window.parley.name) };
      }),
    );
    emit({ event: 'ready', names: Object.fromEntries(pages.map((p) => [p.spec.name, p.given])) });

    for (const p of pages) {
      if (!p.spec.call) continue;
      const button = p.page.locator('#userlist').getByRole('button', { name: p.spec.call, exact: true });
      await button.waitFor({ timeout: cfg.timeout });
      await button.click();
    }

    // Audio flows: every page has received audio packets and decoded
    // samples, and every recorder has recorded its first chunk.
    await waitFor(
      async () => {
        const ok = await Promise.all(
          pages.map(async (p) => {
            const st = await inboundAudio(p.page);
            if (!st || !(st.inbound.packetsReceived > 0) || !(st.inbound.totalSamplesReceived > 0)) return false;
            return p.page.evaluate(
              ([rec, loc]) => {
                const s = /** @type {any} */ (window).__sound;
                if (s.errors.length) throw new Error(s.errors.join('; '));
                return (!rec || s.info('remote') !== null) && (!loc || s.info('local') !== null);
              },
              [!!p.spec.record, !!p.spec.recordLocal],
            );
          }),
        );
        return ok.every(Boolean);
      },
      { timeout: cfg.timeout, interval: 20, what: 'audio flowing and recorders running on every page' },
    );
    emit({ event: 'connected', at: Date.now() });

    // The microphone opened with the processing asked for.
    const micSettings = await Promise.all(
      pages.map((p) =>
        p.page.evaluate(() => {
          const t = /** @type {any} */ (window).__sound.localTrack();
          return t ? /** @type {Record<string, unknown>} */ ({ ...t.getSettings() }) : {};
        }),
      ),
    );
    micSettings.forEach((m, i) => {
      for (const k of ['echoCancellation', 'noiseSuppression', 'autoGainControl']) {
        // Chromium reports a boolean (echoCancellation may become 'all' or 'remote-only' where supported).
        const on = m[k] === true || m[k] === 'all' || m[k] === 'remote-only';
        if (k in m && on !== processing) throw new Error(`${pages[i].spec.name}: the microphone's ${k} is ${JSON.stringify(m[k])}, want ${processing}`);
      }
    });

    await new Promise((r) => setTimeout(r, cfg.seconds * 1000));

    await Promise.all(pages.map((p) => p.page.evaluate(() => Promise.all(['remote', 'local'].map((n) => /** @type {any} */ (window).__sound.stop(n))))));
    const stats = await Promise.all(pages.map((p) => inboundAudio(p.page)));
    /** @type {PageResult[]} */
    const results = [];
    for (const [i, p] of pages.entries()) {
      const st = stats[i];
      /** @type {PageResult} */
      const r = { name: p.given, audioStats: st ? audioStatsFrom(st.inbound, st.codec, st.playout) : {}, micSettings: micSettings[i], outboundAudioSsrc: await outboundAudioSsrc(p.page) };
      if (p.spec.record) {
        const rec = await saveRecording(p.page, 'remote', p.spec.record);
        if (!rec) throw new Error(`${p.given}: nothing recorded from the remote track`);
        r.record = rec;
      }
      if (p.spec.recordLocal) {
        const rec = await saveRecording(p.page, 'local', p.spec.recordLocal);
        if (!rec) throw new Error(`${p.given}: nothing recorded from the microphone`);
        r.recordLocal = rec;
      }
      results.push(r);
    }
    const hangup = pages[0].page.locator('#hangup_button');
    if (await hangup.isEnabled()) await hangup.click();
    emit({ event: 'result', pages: results });
  } finally {
    await Promise.all(browsers.map((b) => b.close()));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    emit({ event: 'error', text: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
