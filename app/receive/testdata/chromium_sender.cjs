// Opens the page given as argv[2] in headless Chromium (fake camera, no
// prompts), where the page itself calls the Go test's PeerConnection.
// Prints "title: <document.title>" lines as the page reports progress and
// closes the browser when stdin closes, so the Go test controls its life.
const { chromium } = require('playwright-core');

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: [
      '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', '--no-sandbox',
      '--disable-gpu', '--disable-background-networking',
      // The oscillator's AudioContext must run without a user gesture.
      '--autoplay-policy=no-user-gesture-required',
      // Plain IP candidates: pion would otherwise have to resolve .local names.
      '--disable-features=WebRtcHideLocalIpsWithMdns',
    ],
  });
  let closing = false;
  const close = async () => {
    if (closing) return;
    closing = true;
    await browser.close().catch(() => {});
    process.exit(0);
  };
  process.stdin.on('end', close);
  process.stdin.resume();
  const page = await browser.newPage();
  page.on('console', (m) => console.log(`console: ${m.text()}`));
  page.on('pageerror', (e) => console.log(`pageerror: ${e.message}`));
  await page.goto(process.argv[2]);
})().catch((e) => {
  console.log(`error: ${e.message}`);
  process.exit(1);
});
