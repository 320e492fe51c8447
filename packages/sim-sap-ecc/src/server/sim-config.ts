/** Fault knobs, changeable at run time through the admin API. */
export interface FaultKnobs {
  /** Added to every RFC call, in milliseconds. */
  latencyMs: number;
  /** Share of calls (0..1) that end in a short dump (RFC_ABAP_RUNTIME_FAILURE, SYSTEM_FAILURE). */
  systemFailureRate: number;
  /** Share of calls (0..1) whose connection is dropped mid-call (RFC_COMMUNICATION_FAILURE). */
  communicationFailureRate: number;
  /** The gateway is down: new connections are refused and open ones dropped. */
  gatewayDown: boolean;
}

export interface SimConfig {
  host: string;
  /** RFC port; 0 picks a free one. */
  port: number;
  /** Admin HTTP port; undefined = no admin API, 0 = a free one. */
  adminPort?: number;
  seed: number;
  customers: number;
  vendors: number;
  /** Gateway conversations (RFC sessions) allowed at once. */
  maxSessions: number;
  /**
   * Dialog work processes: calls beyond this many wait in the dispatcher queue (they are not
   * refused), so latency and concurrency limit throughput as on a real system. Default: maxSessions.
   */
  workProcesses?: number;
  vendorFm: string;
  wideRead: boolean;
  sysId: string;
  sysNr: string;
  client: string;
  users: Record<string, string>;
  faults: FaultKnobs;
  /**
   * Keeps committed work in this directory (a commit journal), so a restarted simulator has it
   * and has none of the work that was uncommitted when it stopped. Undefined = memory only.
   */
  dataDir?: string;
}

export const MAX_SESSIONS_LIMIT = 50;

export function defaultConfig(overrides: Partial<SimConfig> = {}): SimConfig {
  return {
    host: '127.0.0.1',
    port: 0,
    seed: 1,
    customers: 3000,
    vendors: 1000,
    maxSessions: 10,
    vendorFm: 'Z_MLC_VENDOR_MAINTAIN',
    wideRead: true,
    sysId: 'ECS',
    sysNr: '00',
    client: '100',
    users: { MLC_RFC: 'Welcome1' },
    ...overrides,
    faults: { latencyMs: 0, systemFailureRate: 0, communicationFailureRate: 0, gatewayDown: false, ...overrides.faults },
  };
}
