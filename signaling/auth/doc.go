// Package auth decides who may use a signaling server. A server is open
// (anyone may connect: the LAN and development default), guarded by one
// shared token, or guarded by signed tokens, each bound to the one user
// name its holder may register and valid until an expiry.
//
// Tokens travel in the WebSocket URL's query (?token=...), because
// browsers cannot set headers on a WebSocket, or in an "Authorization:
// Bearer" header from other clients. Every comparison is constant-time.
package auth
