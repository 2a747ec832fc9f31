// @ts-check
/**
 * The block code of app/media/stamp (read its package comment for the
 * layout), in JavaScript, so that Chromium senders stamp their canvas the
 * way Parley's test cameras stamp their frames and Chromium receivers read
 * Parley's stamps back from decoded video. The benchmark compares latencies
 * across the two stacks, so both must write and read the same cells: the Go
 * test in bench/internal/webstamp cross-checks this file against the Go code.
 */

export const COLUMNS = 40;
export const ROWS = 3;
export const CELLS = COLUMNS * ROWS;
export const START_MARKER = 0xb2;
export const END_MARKER = 0x4d;
export const WHITE = 235;
export const BLACK = 16;
export const MIN_CONTRAST = 48;
export const MIN_WIDTH = 4 * COLUMNS;
export const MAX_DIMENSION = 1 << 15;

/** @typedef {{camera: number, seq: number, capturedMS: number}} Code */

/**
 * Height in pixels of the code's band in a frame of the given width.
 * @param {number} width
 */
export function bandHeight(width) {
  return Math.floor((ROWS * width + COLUMNS - 1) / COLUMNS);
}

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF).
 * @param {Uint8Array} bytes
 */
export function crc16(bytes) {
  let crc = 0xffff;
  for (const b of bytes) {
    crc ^= b << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/**
 * The 15 bytes a code draws: markers, payload and CRC.
 * @param {Code} c
 */
export function codeBytes(c) {
  const ms = ((c.capturedMS % 2 ** 48) + 2 ** 48) % 2 ** 48;
  const hi = Math.floor(ms / 2 ** 32);
  const lo = ms % 2 ** 32;
  const seq = c.seq >>> 0;
  const payload = new Uint8Array([c.camera & 0xff, seq >>> 24, (seq >>> 16) & 0xff, (seq >>> 8) & 0xff, seq & 0xff, (hi >>> 8) & 0xff, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff]);
  const crc = crc16(payload);
  return new Uint8Array([START_MARKER, ...payload, crc >> 8, crc & 0xff, END_MARKER]);
}

/**
 * Pixel rectangle of cell i: [x0, x1) × [y0, y1).
 * @param {number} i
 * @param {number} width
 */
export function cellBounds(i, width) {
  const r = Math.floor(i / COLUMNS);
  const c = i % COLUMNS;
  return {
    x0: Math.floor((c * width) / COLUMNS),
    x1: Math.floor(((c + 1) * width) / COLUMNS),
    y0: Math.floor((r * width) / COLUMNS),
    y1: Math.floor(((r + 1) * width) / COLUMNS),
  };
}

/**
 * Whether the geometry can carry a code; mirrors stamp.checkGeometry.
 * @param {number} n bytes in the plane
 * @param {number} width
 * @param {number} height
 * @param {number} stride
 */
function fits(n, width, height, stride) {
  if (!Number.isInteger(width) || !Number.isInteger(height) || !Number.isInteger(stride)) return false;
  if (width > MAX_DIMENSION || height > MAX_DIMENSION || stride > MAX_DIMENSION) return false;
  return width >= MIN_WIDTH && stride >= width && height >= bandHeight(width) && n >= (height - 1) * stride + width;
}

/**
 * Draws c into a luma plane. Throws RangeError when the frame cannot carry it.
 * @param {Uint8Array} y
 * @param {number} width
 * @param {number} height
 * @param {number} stride
 * @param {Code} c
 */
export function encode(y, width, height, stride, c) {
  if (!fits(y.length, width, height, stride)) throw new RangeError(`stamp: ${width}x${height} (stride ${stride}, ${y.length} bytes) cannot carry the code`);
  const bytes = codeBytes(c);
  for (let i = 0; i < CELLS; i++) {
    const on = (bytes[i >> 3] & (0x80 >> (i & 7))) !== 0;
    const { x0, x1, y0, y1 } = cellBounds(i, width);
    for (let yy = y0; yy < y1; yy++) y.fill(on ? WHITE : BLACK, yy * stride + x0, yy * stride + x1);
  }
}

/**
 * Draws c on a 2D canvas context in RGB: white and black, which the
 * browser's RGB→I420 conversion (BT.601, limited range) turns into Y = 235
 * and Y = 16, the levels encode() writes.
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} width the canvas width
 * @param {Code} c
 */
export function drawOnCanvas(ctx, width, c) {
  const bytes = codeBytes(c);
  for (let i = 0; i < CELLS; i++) {
    const on = (bytes[i >> 3] & (0x80 >> (i & 7))) !== 0;
    const { x0, x1, y0, y1 } = cellBounds(i, width);
    ctx.fillStyle = on ? '#fff' : '#000';
    ctx.fillRect(x0, y0, x1 - x0, y1 - y0);
  }
}

/**
 * Mean luma of the middle half of cell i (the same integer arithmetic as Go).
 * @param {Uint8Array} y
 * @param {number} stride
 * @param {number} i
 * @param {number} width
 */
function cellMean(y, stride, i, width) {
  const r = Math.floor(i / COLUMNS);
  const c = i % COLUMNS;
  const x0 = Math.floor(((4 * c + 1) * width) / (4 * COLUMNS));
  const x1 = Math.max(Math.floor(((4 * c + 3) * width) / (4 * COLUMNS)), x0 + 1);
  const y0 = Math.floor(((4 * r + 1) * width) / (4 * COLUMNS));
  const y1 = Math.max(Math.floor(((4 * r + 3) * width) / (4 * COLUMNS)), y0 + 1);
  let sum = 0;
  let n = 0;
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      sum += y[yy * stride + xx];
      n++;
    }
  }
  return Math.floor(sum / n);
}

/**
 * Reads a code from a luma plane; null when there is none.
 * @param {Uint8Array} y
 * @param {number} width
 * @param {number} height
 * @param {number} stride
 * @returns {Code | null}
 */
export function decode(y, width, height, stride) {
  if (!fits(y.length, width, height, stride)) return null;
  const means = new Array(CELLS);
  for (let i = 0; i < CELLS; i++) means[i] = cellMean(y, stride, i, width);
  let sumW = 0;
  let nW = 0;
  let sumB = 0;
  let nB = 0;
  for (let i = 0; i < 8; i++) {
    for (const [cell, on] of [
      [i, (START_MARKER & (0x80 >> i)) !== 0],
      [CELLS - 8 + i, (END_MARKER & (0x80 >> i)) !== 0],
    ]) {
      if (on) {
        sumW += means[/** @type {number} */ (cell)];
        nW++;
      } else {
        sumB += means[/** @type {number} */ (cell)];
        nB++;
      }
    }
  }
  const white = Math.floor(sumW / nW);
  const black = Math.floor(sumB / nB);
  if (white - black < MIN_CONTRAST) return null;
  const threshold = Math.floor((white + black) / 2);
  const b = new Uint8Array(CELLS / 8);
  for (let i = 0; i < CELLS; i++) if (means[i] > threshold) b[i >> 3] |= 0x80 >> (i & 7);
  if (b[0] !== START_MARKER || b[14] !== END_MARKER) return null;
  const payload = b.subarray(1, 12);
  if (crc16(payload) !== ((b[12] << 8) | b[13])) return null;
  const seq = ((payload[1] << 24) | (payload[2] << 16) | (payload[3] << 8) | payload[4]) >>> 0;
  const hi = (payload[5] << 8) | payload[6];
  const lo = ((payload[7] << 24) | (payload[8] << 16) | (payload[9] << 8) | payload[10]) >>> 0;
  return { camera: payload[0], seq, capturedMS: hi * 2 ** 32 + lo };
}

/**
 * Luma (BT.601 limited range, as video encoders use) of RGBA pixels, rows of
 * `width` pixels: what a decoder's Y plane held, recovered from a canvas
 * readback of the decoded video.
 * @param {Uint8ClampedArray | Uint8Array} rgba
 * @returns {Uint8Array}
 */
export function lumaFromRGBA(rgba) {
  const y = new Uint8Array(rgba.length >> 2);
  for (let i = 0, j = 0; j < y.length; i += 4, j++) {
    y[j] = (16 + ((66 * rgba[i] + 129 * rgba[i + 1] + 25 * rgba[i + 2] + 128) >> 8)) & 0xff;
  }
  return y;
}
