import type { AuthSettings } from './auth.service.js';
import type { VolumeSettings } from './faults.service.js';

export interface SimX3Settings extends AuthSettings, VolumeSettings {
  /** Latency added to every API call. */
  latencyMs: number;
  /** The most records one api1 page or GraphQL `first` returns, whatever was asked. */
  maxPageSize: number;
}

export function defaultSettings(): SimX3Settings {
  return {
    accessTokenSeconds: 300,
    refreshTokenSeconds: 30 * 86_400,
    refreshRotation: 'rotate',
    clockToleranceSeconds: 0,
    volumeLimitBytes: 0,
    volumePeriodMs: 3_600_000,
    volumeGraceRatio: 0.8,
    volumeGraceDelayMs: 250,
    latencyMs: 0,
    maxPageSize: 1000,
  };
}
