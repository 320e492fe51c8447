import { Client } from '../client/rfc-client.js';
import type { RfcError } from '../protocol/rfc-errors.js';
import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import { spawnSimSapEcc, type SimProcess } from '../sim-process.js';

/** Starts one simulator process for a spec file and closes every client the file opened. */
export class SimFixture {
  sim!: SimProcess;
  private readonly clients: Client[] = [];

  constructor(private readonly args: string[] = []) {}

  async start(): Promise<void> {
    this.sim = await spawnSimSapEcc(this.args);
  }

  async stop(): Promise<void> {
    await this.closeClients();
    await this.sim?.stop();
  }

  /** Kills the simulator process (no chance to clean up) and starts it again on the same RFC port. */
  async crashAndRestart(): Promise<void> {
    await this.sim.kill('SIGKILL');
    this.clients.splice(0);
    this.sim = await spawnSimSapEcc([...this.args, '--port', String(this.sim.rfcPort)]);
  }

  /** Closes the clients opened so far and waits until the simulator has ended their sessions. */
  async closeClients(): Promise<void> {
    const open = this.clients.splice(0).filter((c) => c.alive);
    await Promise.all(open.map((c) => c.close()));
    for (let i = 0; i < 50 && this.sim; i++) {
      const health = await this.admin('GET', '/health');
      if (health.body.sessions === 0) return;
      await sleep(20);
    }
  }

  async client(): Promise<Client> {
    const c = new Client(this.sim.connectionParameters);
    await c.open();
    this.clients.push(c);
    return c;
  }

  async admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${this.sim.adminUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }
}

/** The rejection of a promise that must fail; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<RfcError> {
  try {
    await promise;
  } catch (err) {
    return err as RfcError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export function table(result: RfcObject, name: string): RfcStructure[] {
  return result[name] as RfcStructure[];
}

export function messages(result: RfcObject): string[] {
  return table(result, 'RETURN').map((r) => `${String(r.TYPE)} ${String(r.ID)} ${String(r.NUMBER)} ${String(r.MESSAGE)}`);
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A valid BAPI_PO_CREATE1 input for one item; `ref` goes to REF_1 (EKKO-IHREZ). */
export function poInput(vendor: string, ref: string, overrides: { material?: string; plant?: string; testrun?: boolean; deliveryDate?: string } = {}): RfcObject {
  const header = { COMP_CODE: '1000', DOC_TYPE: 'NB', VENDOR: vendor, PURCH_ORG: '1000', PUR_GROUP: '001', REF_1: ref };
  const headerX = Object.fromEntries(Object.keys(header).map((k) => [k, 'X']));
  const item = { PO_ITEM: '00010', MATERIAL: overrides.material ?? '000000000000400001', PLANT: overrides.plant ?? '1000', QUANTITY: '5', NET_PRICE: '12.50' };
  const itemX = { PO_ITEM: '00010', PO_ITEMX: 'X', MATERIAL: 'X', PLANT: 'X', QUANTITY: 'X', NET_PRICE: 'X' };
  const schedule = { PO_ITEM: '00010', SCHED_LINE: '0001', DELIVERY_DATE: overrides.deliveryDate ?? '15.12.2026', QUANTITY: '5' };
  const scheduleX = { PO_ITEM: '00010', SCHED_LINE: '0001', PO_ITEMX: 'X', SCHED_LINEX: 'X', DELIVERY_DATE: 'X', QUANTITY: 'X' };
  return {
    POHEADER: header, POHEADERX: headerX, POITEM: [item], POITEMX: [itemX], POSCHEDULE: [schedule], POSCHEDULEX: [scheduleX],
    ...(overrides.testrun ? { TESTRUN: 'X' } : {}),
  };
}

export async function readTable(client: Client, query: string, where: string[], fields: string[] = []): Promise<string[]> {
  const result = await client.call('RFC_READ_TABLE', {
    QUERY_TABLE: query, DELIMITER: '|', OPTIONS: where.map((TEXT) => ({ TEXT })), FIELDS: fields.map((FIELDNAME) => ({ FIELDNAME })),
  });
  return table(result, 'DATA').map((r) => String(r.WA));
}
