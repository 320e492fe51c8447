import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { compileWhere, WhereError } from '../fm/where-clause.js';
import type { EccDatabase } from '../store/ecc-database.js';
import type { Enqueue } from '../store/enqueue.js';
import { lockObjectOf, planMasterData, type PartyKind, type SegmentInput } from '../store/master-data.js';
import type { Row } from '../store/table-store.js';
import type { RfcServer } from '../server/rfc-server.js';
import type { FaultKnobs } from '../server/sim-config.js';

/** The dialog user the admin API acts as, like a clerk in SAP GUI (XD02, XK02, ...). */
const ADMIN_USER = 'SIMADMIN';
const PARTY_PATH = /^\/(customers|vendors)(?:\/([^/]+))?$/;

class HttpError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return {};
  try {
    const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // fall through to the 400 below
  }
  throw new HttpError(400, 'body must be a JSON object');
}

function segmentsOf(body: Record<string, unknown>): SegmentInput[] {
  return Object.entries(body).flatMap(([table, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) => ({
      table,
      values: Object.fromEntries(Object.entries((v ?? {}) as Record<string, unknown>).map(([k, x]) => [k, String(x)])),
    })),
  );
}

/**
 * Admin HTTP API for tests and the demo: read tables and purchase orders, create and change
 * customers and vendors as a SAP GUI user would (with change documents), set faults and the clock.
 */
export class AdminHttp {
  private server: Server | undefined;

  constructor(
    private readonly db: EccDatabase,
    private readonly enqueue: Enqueue,
    private readonly rfc: RfcServer,
    private readonly faults: FaultKnobs,
  ) {}

  start(host: string, port: number): Promise<number> {
    const server = createServer((req, res) => void this.route(req, res));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address ? address.port : port);
      });
    });
  }

  stop(): Promise<void> {
    const server = this.server;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin');
    const method = req.method ?? 'GET';
    try {
      const body = method === 'GET' ? {} : await readJson(req);
      const result = await this.dispatch(method, url, body);
      res.writeHead(result.status, { 'content-type': 'application/json' }).end(JSON.stringify(result.body));
    } catch (err) {
      const status = err instanceof HttpError ? err.status : 500;
      if (status === 500) process.stderr.write(`sim-sap-ecc admin: ${(err as Error).stack ?? String(err)}\n`);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: (err as Error).message }));
    }
  }

  private async dispatch(method: string, url: URL, body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
    const path = url.pathname;
    const ok = (b: unknown, status = 200): { status: number; body: unknown } => ({ status, body: b });
    if (method === 'GET' && path === '/health') return ok({ status: 'ok', rfcPort: this.rfc.port, sessions: this.rfc.sessionCount, ...this.rfc.load() });
    if (method === 'GET' && path === '/sessions') return ok({ sessions: this.rfc.sessions(), locks: this.enqueue.list() });
    if (method === 'GET' && path === '/faults') return ok(this.faults);
    if (method === 'PUT' && path === '/faults') return ok(await this.setFaults(body));
    if (method === 'PUT' && path === '/clock') {
      this.db.clock.set(new Date(String(body.now)));
      return ok({ now: this.db.clock.now().toISOString() });
    }
    const table = /^\/tables\/([A-Z0-9_]+)$/.exec(path);
    if (method === 'GET' && table) return ok({ rows: this.readTable(table[1], url.searchParams) });
    const po = /^\/purchase-orders(?:\/(\d+))?$/.exec(path);
    if (method === 'GET' && po) return ok(this.purchaseOrders(po[1], url.searchParams.get('ref') ?? undefined));
    if (method === 'GET' && path === '/change-documents') return ok(this.changeDocuments(url.searchParams));
    const party = PARTY_PATH.exec(path);
    if (party) return this.party(method, party[1] === 'customers' ? 'customer' : 'vendor', party[2], body);
    throw new HttpError(404, `no route ${method} ${path}`);
  }

  private async setFaults(body: Record<string, unknown>): Promise<FaultKnobs> {
    for (const key of ['latencyMs', 'systemFailureRate', 'communicationFailureRate'] as const) {
      if (body[key] === undefined) continue;
      const n = Number(body[key]);
      if (!Number.isFinite(n) || n < 0 || (key !== 'latencyMs' && n > 1)) throw new HttpError(400, `${key} must be a number${key === 'latencyMs' ? ' >= 0' : ' between 0 and 1'}`);
      this.faults[key] = n;
    }
    if (body.gatewayDown !== undefined) await this.rfc.setGatewayDown(body.gatewayDown === true);
    return this.faults;
  }

  private readTable(name: string, query: URLSearchParams): Row[] {
    const table = this.db.table(name);
    if (!table) throw new HttpError(404, `table ${name} does not exist`);
    let where;
    try {
      where = compileWhere(table.def, query.get('where') ?? '');
    } catch (err) {
      if (err instanceof WhereError) throw new HttpError(400, `where: ${err.message}`);
      throw err;
    }
    const max = Number(query.get('max') ?? 1000);
    const out: Row[] = [];
    for (const row of table.scan(where.range)) {
      if (!where.test(row)) continue;
      out.push(row);
      if (out.length >= max) break;
    }
    return out;
  }

  private purchaseOrders(ebeln: string | undefined, ref: string | undefined): unknown {
    const headers = [...this.db.mustTable('EKKO').scan()].filter((r) => (ebeln ? r.EBELN === ebeln : ref === undefined || r.IHREZ === ref));
    if (ebeln && headers.length === 0) throw new HttpError(404, `purchase order ${ebeln} does not exist`);
    const items = [...this.db.mustTable('EKPO').scan()];
    const orders = headers.map((h) => ({ EKKO: h, EKPO: items.filter((i) => i.EBELN === h.EBELN) }));
    return ebeln ? orders[0] : { orders };
  }

  private changeDocuments(query: URLSearchParams): unknown {
    const cls = query.get('objectClass');
    const id = query.get('objectId');
    const headers = [...this.db.mustTable('CDHDR').scan()].filter((h) => (!cls || h.OBJECTCLAS === cls) && (!id || h.OBJECTID === id));
    const positions = [...this.db.mustTable('CDPOS').scan()];
    return { documents: headers.map((h) => ({ CDHDR: h, CDPOS: positions.filter((p) => p.CHANGENR === h.CHANGENR && p.OBJECTCLAS === h.OBJECTCLAS) })) };
  }

  private party(method: string, kind: PartyKind, number: string | undefined, body: Record<string, unknown>): { status: number; body: unknown } {
    const general = kind === 'customer' ? 'KNA1' : 'LFA1';
    const numberField = kind === 'customer' ? 'KUNNR' : 'LIFNR';
    if (method === 'GET' && number) {
      const id = number.padStart(10, '0');
      const head = this.db.get(general, { [numberField]: id });
      if (!head) throw new HttpError(404, `${kind} ${id} does not exist`);
      const segments = kind === 'customer' ? ['KNB1', 'KNVV', 'KNKK'] : ['LFB1', 'LFM1'];
      const detail = Object.fromEntries(segments.map((t) => [t, [...this.db.mustTable(t).scan()].filter((r) => r[numberField] === id)]));
      return { status: 200, body: { [general]: head, ...detail } };
    }
    const creating = method === 'POST' && !number;
    if (!creating && !(method === 'PATCH' && number)) throw new HttpError(404, `no route ${method} for ${kind}s`);
    if (number) {
      const holder = this.enqueue.holder(lockObjectOf(kind, number.padStart(10, '0')));
      if (holder) throw new HttpError(409, `User ${holder.user} already processing ${kind} ${number.padStart(10, '0')}`);
    }
    const plan = planMasterData(this.db, kind, { number, segments: segmentsOf(body), user: ADMIN_USER });
    if (!plan.ok) throw new HttpError(plan.reason === 'not-found' ? 404 : 400, plan.message);
    // A dialog save: the rows and their change document are one commit.
    const changenr = this.db.transaction(() => plan.apply());
    return { status: creating ? 201 : 200, body: { [numberField]: plan.number, changeNumber: changenr ?? null } };
  }
}
