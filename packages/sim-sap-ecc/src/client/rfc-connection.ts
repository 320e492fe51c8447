import { connect, type Socket } from 'node:net';
import { encodeFrame, FrameDecoder } from '../protocol/frame-codec.js';
import type { ClientFrame, RfcTable, ServerFrame } from '../protocol/messages.js';
import { canceled, communicationFailure, type RfcError } from '../protocol/rfc-errors.js';

type Pending = { resolve: (frame: ServerFrame) => void; reject: (err: RfcError) => void };
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
type Outgoing = WithoutId<ClientFrame>;

function unreachable(host: string, port: number, detail: string): RfcError {
  return communicationFailure(
    `LOCATION    CPIC (TCP/IP) on local host\nERROR       partner '${host}:${port}' not reached\n` +
      `DETAIL      NiPConnect2: ${host}:${port}\nSYSTEM CALL connect\nERRNO TEXT  ${detail}`,
  );
}

/** One TCP connection to the simulator = one SAP user session. Replies are matched by id. */
export class RfcConnection {
  private readonly pending = new Map<number, Pending>();
  /** Table rows that arrived ahead of their call's result, by call id and parameter. */
  private readonly partial = new Map<number, Map<string, RfcTable>>();
  private readonly decoder = new FrameDecoder();
  private nextId = 1;
  private cancelRequested = false;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly host: string,
    private readonly port: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => this.onClose());
    socket.on('error', () => undefined);
  }

  static open(host: string, port: number): Promise<RfcConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host, port });
      socket.setNoDelay(true);
      const onError = (err: NodeJS.ErrnoException): void => reject(unreachable(host, port, err.code ?? err.message));
      socket.once('error', onError);
      socket.once('connect', () => {
        socket.off('error', onError);
        resolve(new RfcConnection(socket, host, port));
      });
    });
  }

  request(frame: Outgoing): Promise<ServerFrame> {
    if (this.closed) return Promise.reject(this.lostError());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(encodeFrame({ ...frame, id }));
    });
  }

  /** Like RfcCancel: the partner's work process is ended, so the session and its LUW are gone. */
  cancel(): void {
    this.cancelRequested = true;
    this.socket.destroy();
  }

  close(): void {
    this.closed = true;
    this.socket.end();
    this.socket.destroy();
  }

  private lostError(): RfcError {
    if (this.cancelRequested) return canceled();
    return communicationFailure(
      `LOCATION    CPIC (TCP/IP) on local host\nERROR       connection to partner '${this.host}:${this.port}' broken\n` +
        'DETAIL      NiIRead: P=' + `${this.host}:${this.port}` + '; L=0.0.0.0:0\nSYSTEM CALL recv',
    );
  }

  private onData(chunk: Buffer): void {
    let frames: unknown[];
    try {
      frames = this.decoder.push(chunk);
    } catch {
      this.socket.destroy();
      return;
    }
    for (const raw of frames) {
      const frame = raw as ServerFrame;
      if (frame.t === 'rows') {
        this.addRows(frame.id, frame.param, frame.rows);
        continue;
      }
      const rows = this.partial.get(frame.id);
      this.partial.delete(frame.id);
      if (rows && frame.t === 'result') for (const [param, table] of rows) frame.result[param] = table;
      const waiter = this.pending.get(frame.id);
      if (!waiter) continue;
      this.pending.delete(frame.id);
      waiter.resolve(frame);
    }
  }

  private addRows(id: number, param: string, rows: RfcTable): void {
    let tables = this.partial.get(id);
    if (!tables) this.partial.set(id, (tables = new Map()));
    const table = tables.get(param);
    if (table) for (const row of rows) table.push(row);
    else tables.set(param, rows);
  }

  private onClose(): void {
    this.partial.clear();
    this.closed = true;
    const err = this.lostError();
    for (const waiter of this.pending.values()) waiter.reject(err);
    this.pending.clear();
  }
}
