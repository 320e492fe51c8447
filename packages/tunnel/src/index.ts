export * from './frames.js';
export * from './codec.js';
export * from './tunnel-error.js';
export * from './auth-proof.js';
export * from './byte-channel.js';
export * from './heartbeat.js';
export * from './protocol.js';
