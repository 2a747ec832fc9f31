// @ts-check
/**
 * Draws a page's pictures when it asks the bridge for JPEG (video.js): a 2D
 * canvas the size of the picture, and drawImage of the decoded JPEG. In a
 * web view without a GPU this costs less than receiving raw I420 and
 * converting it in a shader on the CPU's GL: measured in WebKitGTK during a
 * 720p call, 0.20 against 0.32–0.36 cores of the web process, and 4.0–4.5
 * against 5.8–6.0 ms p50 from the bridge's send to drawn. A raw frame is
 * 804 KB in fresh shared memory per message, a JPEG about 125 KB.
 *
 * Frames the bridge queued before it read the page's formats still come as
 * I420; they are converted on the CPU (i420.js) into the same canvas.
 */
import { cpuRenderer } from './i420.js';

/** @typedef {import('./framestream.js').I420Frame} I420Frame */
/** @typedef {import('./framestream.js').JpegFrame} JpegFrame */

/**
 * What a JPEG-mode canvas draws: a decoded JPEG frame, or an I420 frame.
 * @typedef {ImageBitmap | I420Frame} Picture
 */

/**
 * @typedef {Object} JpegRenderer
 * @property {'jpeg'} kind
 * @property {(p: Picture) => void} draw  sizes the canvas to the picture; never closes a bitmap
 */

/**
 * decodeJPEG decodes a frame's JPEG. It rejects a JPEG that does not decode
 * or is not the size its header says: the bridge sends exactly the size
 * asked for, and the views the page asks for follow the header's sizes.
 * @param {JpegFrame} f
 * @returns {Promise<ImageBitmap>}
 */
export async function decodeJPEG(f) {
  const bitmap = await createImageBitmap(new Blob([f.jpeg], { type: 'image/jpeg' }));
  if (bitmap.width !== f.width || bitmap.height !== f.height) {
    const size = `${bitmap.width}x${bitmap.height}`;
    bitmap.close();
    throw new Error(`JPEG of ${size} in a ${f.width}x${f.height} frame`);
  }
  return bitmap;
}

/**
 * @param {HTMLCanvasElement} canvas
 * @returns {JpegRenderer}
 */
export function jpegRenderer(canvas) {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('canvas offers no 2D context');
  const i420 = cpuRenderer(canvas);
  return {
    kind: 'jpeg',
    draw(p) {
      if (!(p instanceof ImageBitmap)) {
        i420.draw(p);
        return;
      }
      if (canvas.width !== p.width || canvas.height !== p.height) {
        canvas.width = p.width;
        canvas.height = p.height;
      }
      ctx.drawImage(p, 0, 0);
    },
  };
}
