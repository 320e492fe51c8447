export { SimSageX3Server, startSimSageX3, type SimSageX3Options } from './sim-sage-x3.server.js';
export { defaultSettings, type SimX3Settings } from './sim-settings.js';
export { SimClock } from './sim-clock.js';
export type { ConnectedApp, OAuthClient, X3User, TokenCounters } from './auth.service.js';
export { FAULT_KINDS, type FaultKind, type CallEntry } from './faults.service.js';
export { spawnSimSageX3, type SimSageX3Process } from './sim-process.js';
