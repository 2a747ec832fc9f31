// The test hook the browser client defines (signaling/web/static/js/app.js),
// as seen by test code running in the page through page.evaluate.
export {};
declare global {
  interface Window {
    parley: {
      readonly state: string;
      readonly name: string;
      readonly peer: string;
      readonly endReason: string;
      readonly pc: RTCPeerConnection | null;
      readonly users: string[];
      readonly link: string;
    };
  }
}
