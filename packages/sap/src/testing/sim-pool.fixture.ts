import { spawnSimSapEcc, type SimProcess } from '@mlc/sim-sap-ecc';
import { loadRfcModule, NodeRfcConnectionPool } from '../node-rfc.adapter.js';

/** The simulator's client module, loaded by name through the same path as node-rfc. */
export const SIM_RFC_MODULE = '@mlc/sim-sap-ecc';

/** A simulator process and a pool on it, built by the node-rfc adapter. */
export class SimPoolFixture {
  sim!: SimProcess;
  pool!: NodeRfcConnectionPool;

  constructor(
    private readonly args: string[] = [],
    private readonly maxConnections = 4,
  ) {}

  async start(): Promise<void> {
    this.sim = await spawnSimSapEcc(this.args);
    this.pool = new NodeRfcConnectionPool(await loadRfcModule(SIM_RFC_MODULE), {
      connectionParameters: this.sim.connectionParameters as Record<string, string>,
      maxConnections: this.maxConnections,
    });
  }

  async stop(): Promise<void> {
    await this.pool?.close();
    await this.sim?.stop();
  }

  async admin(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
    const res = await fetch(`${this.sim.adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Record<string, unknown>;
  }
}

/** The rejection of a promise that must fail. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a rejection, but the promise resolved');
}

/** A valid one-item BAPI_PO_CREATE1 input; `ref` lands in EKKO-IHREZ. */
export function poParams(vendor: string, ref: string): Record<string, unknown> {
  const header = { COMP_CODE: '1000', DOC_TYPE: 'NB', VENDOR: vendor, PURCH_ORG: '1000', PUR_GROUP: '001', REF_1: ref };
  return {
    POHEADER: header,
    POHEADERX: Object.fromEntries(Object.keys(header).map((k) => [k, 'X'])),
    POITEM: [{ PO_ITEM: '00010', MATERIAL: '000000000000400001', PLANT: '1000', QUANTITY: '5', NET_PRICE: '12.50' }],
    POITEMX: [{ PO_ITEM: '00010', PO_ITEMX: 'X', MATERIAL: 'X', PLANT: 'X', QUANTITY: 'X', NET_PRICE: 'X' }],
    POSCHEDULE: [{ PO_ITEM: '00010', SCHED_LINE: '0001', DELIVERY_DATE: '15.12.2026', QUANTITY: '5' }],
    POSCHEDULEX: [{ PO_ITEM: '00010', SCHED_LINE: '0001', PO_ITEMX: 'X', SCHED_LINEX: 'X', DELIVERY_DATE: 'X', QUANTITY: 'X' }],
  };
}
