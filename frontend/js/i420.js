// @ts-check
/**
 * Draws I420 frames on a canvas, in one of two ways. WebGL uploads the three
 * planes as LUMINANCE textures and converts to RGB in the fragment shader.
 * The 2D way converts to RGBA in JavaScript and puts the pixels on a 2D
 * canvas. preferredRenderer picks between them (see there); the 2D way is
 * also the fallback where WebGL is missing.
 *
 * The WebGL canvas is only as large as the picture is shown, never larger
 * than the frame: the shader scales while it converts, and a web view
 * without a GPU composites the canvas in software, so every backing pixel
 * it does not need costs a copy per frame (Measured: docs/benchmarks.md,
 * "Figures behind the code", The page's canvas). The bridge sends each
 * stream at the size its largest pane shows it, so a canvas and its frame
 * normally match and the shader samples without filtering.
 *
 * Colour: BT.601 limited range (Y 16–235, Cb/Cr 16–240), which is what
 * libvpx's VP8 produces and what the engine's capture path converts to.
 */

/** @typedef {import('./framestream.js').Frame} Frame */

const VERTEX = `
attribute vec2 pos;
varying vec2 uv;
void main() {
  uv = vec2((pos.x + 1.0) * 0.5, (1.0 - pos.y) * 0.5);
  gl_Position = vec4(pos, 0.0, 1.0);
}`;

const FRAGMENT = `
precision mediump float;
varying vec2 uv;
uniform sampler2D ty;
uniform sampler2D tu;
uniform sampler2D tv;
void main() {
  float y = 1.16438 * (texture2D(ty, uv).r - 0.0627451);
  float u = texture2D(tu, uv).r - 0.5019608;
  float v = texture2D(tv, uv).r - 0.5019608;
  gl_FragColor = vec4(
    y + 1.59603 * v,
    y - 0.39176 * u - 0.81297 * v,
    y + 2.01723 * u,
    1.0);
}`;

/**
 * @typedef {Object} Renderer
 * @property {'webgl'|'2d'} kind
 * @property {(f: Frame, maxWidth?: number) => void} draw  maxWidth: the most device pixels the canvas
 *   shows the picture across; WebGL then draws at that size (the 2D fallback always draws the frame's)
 */

/**
 * preferredRenderer is the renderer for a web view with the given user
 * agent: '2d' in WebKitGTK (the Linux window), 'webgl' elsewhere.
 *
 * Why: Wails runs WebKitGTK without accelerated compositing (its GPU policy
 * Never, which drew faster under Xvfb), so a WebGL canvas is read back and
 * painted on the CPU after every frame, and on a machine without a GPU its
 * shader runs in llvmpipe as well: the 2D way costs less CPU there
 * (Measured: docs/benchmarks.md, "Figures behind the code", The page's
 * canvas). WebView2 and WKWebView composite on the GPU, where
 * the shader costs next to nothing. WebKitGTK hides its GL renderer's name
 * (it reports "Apple GPU"), so the user agent is what tells it apart: Linux
 * and AppleWebKit without Chrome.
 * @param {string} userAgent
 * @returns {'2d'|'webgl'}
 */
export function preferredRenderer(userAgent) {
  return /Linux/.test(userAgent) && /AppleWebKit/.test(userAgent) && !/Chrome|Chromium/.test(userAgent) ? '2d' : 'webgl';
}

/**
 * createRenderer makes the renderer opts.renderer names, by default the
 * preferred one for this web view; WebGL falls back to 2D where the canvas
 * does not offer it.
 * @param {HTMLCanvasElement} canvas
 * @param {{ renderer?: '2d'|'webgl' }} [opts]
 * @returns {Renderer}
 */
export function createRenderer(canvas, opts = {}) {
  if ((opts.renderer ?? preferredRenderer(navigator.userAgent)) === 'webgl') {
    // preserveDrawingBuffer keeps the last picture readable (screenshots,
    // tests) and on screen when no new frame arrives for a while.
    const gl = canvas.getContext('webgl', { preserveDrawingBuffer: true, antialias: false, alpha: false, depth: false });
    if (gl) return glRenderer(canvas, gl);
  }
  return cpuRenderer(canvas);
}

/**
 * @param {HTMLCanvasElement} canvas
 * @param {WebGLRenderingContext} gl
 * @returns {Renderer}
 */
function glRenderer(canvas, gl) {
  const prog = gl.createProgram();
  for (const [type, src] of /** @type {const} */ ([[gl.VERTEX_SHADER, VERTEX], [gl.FRAGMENT_SHADER, FRAGMENT]])) {
    const sh = /** @type {WebGLShader} */ (gl.createShader(type));
    gl.shaderSource(sh, src);
    gl.compileShader(sh);
    if (!gl.getShaderParameter(sh, gl.COMPILE_STATUS)) throw new Error(`shader: ${gl.getShaderInfoLog(sh)}`);
    gl.attachShader(prog, sh);
  }
  gl.linkProgram(prog);
  if (!gl.getProgramParameter(prog, gl.LINK_STATUS)) throw new Error(`program: ${gl.getProgramInfoLog(prog)}`);
  gl.useProgram(prog);

  const quad = gl.createBuffer();
  gl.bindBuffer(gl.ARRAY_BUFFER, quad);
  gl.bufferData(gl.ARRAY_BUFFER, new Float32Array([-1, -1, 1, -1, -1, 1, 1, 1]), gl.STATIC_DRAW);
  const pos = gl.getAttribLocation(prog, 'pos');
  gl.enableVertexAttribArray(pos);
  gl.vertexAttribPointer(pos, 2, gl.FLOAT, false, 0, 0);

  // Planes are tightly packed: rows are not 4-byte aligned at odd widths.
  gl.pixelStorei(gl.UNPACK_ALIGNMENT, 1);
  const textures = ['ty', 'tu', 'tv'].map((name, i) => {
    const t = gl.createTexture();
    gl.activeTexture(gl.TEXTURE0 + i);
    gl.bindTexture(gl.TEXTURE_2D, t);
    // Non-power-of-two sizes need clamping and no mipmaps in WebGL 1;
    // the filter is set per frame size in draw.
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_S, gl.CLAMP_TO_EDGE);
    gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_WRAP_T, gl.CLAMP_TO_EDGE);
    gl.uniform1i(gl.getUniformLocation(prog, name), i);
    return t;
  });

  let w = 0;
  let h = 0;
  /** @type {number} the textures' filter: 0 until the first frame */
  let filter = 0;
  return {
    kind: 'webgl',
    draw(f, maxWidth = Infinity) {
      const cw = (f.width + 1) >> 1;
      const ch = (f.height + 1) >> 1;
      const resized = f.width !== w || f.height !== h;
      if (resized) {
        w = f.width;
        h = f.height;
      }
      const bw = Math.max(1, Math.min(w, Math.ceil(maxWidth)));
      const bh = Math.max(1, Math.round((bw * h) / w));
      if (canvas.width !== bw || canvas.height !== bh) {
        canvas.width = bw;
        canvas.height = bh;
        gl.viewport(0, 0, bw, bh);
      }
      // A frame the canvas's size (the bridge scales to the size shown)
      // maps texel to pixel, and NEAREST reads one texel per plane where
      // LINEAR reads four: on the CPU's GL that is most of the draw
      // (Measured: docs/benchmarks.md, "Figures behind the code", The
      // page's canvas). The chroma planes then repeat each sample over 2×2
      // pixels, as libyuv's conversions do.
      const want = bw === w && bh === h ? gl.NEAREST : gl.LINEAR;
      if (want !== filter) {
        filter = want;
        for (let i = 0; i < 3; i++) {
          gl.activeTexture(gl.TEXTURE0 + i);
          gl.bindTexture(gl.TEXTURE_2D, textures[i]);
          gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MIN_FILTER, filter);
          gl.texParameteri(gl.TEXTURE_2D, gl.TEXTURE_MAG_FILTER, filter);
        }
      }
      const planes = [[f.y, w, h], [f.u, cw, ch], [f.v, cw, ch]];
      for (let i = 0; i < 3; i++) {
        const [data, pw, ph] = /** @type {[Uint8Array, number, number]} */ (planes[i]);
        gl.activeTexture(gl.TEXTURE0 + i);
        gl.bindTexture(gl.TEXTURE_2D, textures[i]);
        if (resized) {
          gl.texImage2D(gl.TEXTURE_2D, 0, gl.LUMINANCE, pw, ph, 0, gl.LUMINANCE, gl.UNSIGNED_BYTE, data);
        } else {
          gl.texSubImage2D(gl.TEXTURE_2D, 0, 0, 0, pw, ph, gl.LUMINANCE, gl.UNSIGNED_BYTE, data);
        }
      }
      gl.drawArrays(gl.TRIANGLE_STRIP, 0, 4);
    },
  };
}

/**
 * @param {HTMLCanvasElement} canvas
 * @returns {Renderer}
 */
function cpuRenderer(canvas) {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas offers neither WebGL nor 2D');
  /** @type {ImageData|null} */
  let img = null;
  return {
    kind: '2d',
    draw(f) {
      if (!img || img.width !== f.width || img.height !== f.height) {
        canvas.width = f.width;
        canvas.height = f.height;
        img = ctx.createImageData(f.width, f.height);
      }
      i420ToRGBA(f, img.data);
      ctx.putImageData(img, 0, 0);
    },
  };
}

// The BT.601 limited-range matrix in 16.16 fixed point, one table per term,
// and a table that clamps a result (−384…639 covers every sum) to 0…255.
const YT = new Int32Array(256);
const RV = new Int32Array(256);
const GU = new Int32Array(256);
const GV = new Int32Array(256);
const BU = new Int32Array(256);
for (let i = 0; i < 256; i++) {
  YT[i] = (i - 16) * 76309;
  RV[i] = 104597 * (i - 128);
  GU[i] = 25675 * (i - 128);
  GV[i] = 53279 * (i - 128);
  BU[i] = 132201 * (i - 128);
}
const CLAMP_OFFSET = 384;
const CLAMP = new Uint8Array(1024);
for (let i = 0; i < CLAMP.length; i++) CLAMP[i] = Math.max(0, Math.min(255, i - CLAMP_OFFSET));

/**
 * pixel packs one RGBA word from a luma term and its pair's chroma terms
 * (each already offset by CLAMP_OFFSET in 16.16).
 * @param {number} y
 * @param {number} r
 * @param {number} g
 * @param {number} b
 */
function pixel(y, r, g, b) {
  return 0xff000000 | (CLAMP[(y + b) >> 16] << 16) | (CLAMP[(y + g) >> 16] << 8) | CLAMP[(y + r) >> 16];
}

/**
 * i420ToRGBA converts with the same BT.601 limited-range matrix as the
 * shader, in 16.16 fixed point. It is the 2D renderer's whole cost, so it
 * reads each pixel pair's chroma once, looks the products up in tables and
 * writes a pixel as one 32-bit word (little-endian RGBA, as every platform
 * Parley runs on), which takes about a third of the time of a multiply per
 * term and a byte store per channel (Measured: docs/benchmarks.md,
 * "Figures behind the code", The page's canvas).
 * @param {Frame} f
 * @param {Uint8ClampedArray} out  width*height*4 bytes
 */
export function i420ToRGBA(f, out) {
  const w = f.width;
  const cw = (w + 1) >> 1;
  const px = new Uint32Array(out.buffer, out.byteOffset, w * f.height);
  const { y: Y, u: U, v: V } = f;
  for (let row = 0; row < f.height; row++) {
    const yRow = row * w;
    const cRow = (row >> 1) * cw;
    for (let col = 0; col < w; col += 2) {
      const c = cRow + (col >> 1);
      const r = RV[V[c]] + (CLAMP_OFFSET << 16);
      const g = (CLAMP_OFFSET << 16) - GU[U[c]] - GV[V[c]];
      const b = BU[U[c]] + (CLAMP_OFFSET << 16);
      px[yRow + col] = pixel(YT[Y[yRow + col]], r, g, b);
      if (col + 1 < w) px[yRow + col + 1] = pixel(YT[Y[yRow + col + 1]], r, g, b);
    }
  }
}
