import { expect } from 'chai';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CommitJournal, CommitJournalError } from '../store/commit-journal.js';
import { messages, poInput, readTable, SimFixture } from '../testing/sim-fixture.js';

const SYSTEM = { seed: 1, customers: 100, vendors: 20, client: '100' };

describe('Committed work across a crash (--data-dir)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sim-sap-ecc-durability-'));
  const fx = new SimFixture(['--data-dir', dataDir, '--customers', '100', '--vendors', '20']);
  before(() => fx.start());
  after(async () => {
    await fx.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('comes back from kill -9 with every committed document and none of the uncommitted ones', async () => {
    const committer = await fx.client();
    const committed = String((await committer.call('BAPI_PO_CREATE1', poInput('0000300001', 'DUR-COMMIT'))).EXPPURCHASEORDER);
    await committer.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
    const rename = await fx.admin('PATCH', '/vendors/0000300002', { LFA1: { NAME1: 'Renamed before the crash' } });
    expect(rename.status).to.equal(200);
    const open = await fx.client();
    const uncommitted = String((await open.call('BAPI_PO_CREATE1', poInput('0000300003', 'DUR-OPEN'))).EXPPURCHASEORDER);
    expect(uncommitted).to.match(/^45\d{8}$/);

    await fx.crashAndRestart();

    expect(fx.sim.recoveredCommits).to.equal(2);
    const reader = await fx.client();
    expect(await readTable(reader, 'EKKO', [`IHREZ LIKE 'DUR-%'`], ['EBELN', 'IHREZ'])).to.deep.equal([`${committed}|DUR-COMMIT`]);
    expect(await readTable(reader, 'EKPO', [`EBELN = '${committed}'`], ['EBELN', 'EBELP'])).to.deep.equal([`${committed}|00010`]);
    expect(await readTable(reader, 'EKET', [`EBELN = '${committed}'`], ['EBELN', 'EBELP'])).to.have.length(1);
    expect(await readTable(reader, 'EKPO', [`EBELN = '${uncommitted}'`], ['EBELN'])).to.deep.equal([]);
    expect((await fx.admin('GET', '/vendors/0000300002')).body['LFA1']).to.include({ NAME1: 'Renamed before the crash' });
    const changes = await fx.admin('GET', '/change-documents?objectClass=KRED&objectId=0000300002');
    expect(changes.body['documents']).to.have.length(1);

    // The crash ended the open LUW: its vendor is free, and numbers go on above the committed ones.
    const again = await reader.call('BAPI_PO_CREATE1', poInput('0000300003', 'DUR-AGAIN'));
    expect(messages(again)[0]).to.match(/^S /);
    expect(Number(again.EXPPURCHASEORDER)).to.be.greaterThan(Number(committed));
    await reader.call('BAPI_TRANSACTION_COMMIT', { WAIT: 'X' });
  });
});

describe('CommitJournal', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'sim-sap-ecc-journal-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const work = (n: number): { puts: Array<[string, Record<string, string>]>; counters: Record<string, number> } => ({
    puts: [['EKKO', { MANDT: '100', EBELN: String(4500000000 + n) }]], counters: { EBELN: 4500000001 + n },
  });

  it('drops a commit cut short by a crash in the middle of writing it', () => {
    const journal = CommitJournal.open(dir, SYSTEM);
    journal.append(work(1));
    journal.append(work(2));
    journal.close();
    const file = join(dir, 'commits.ndjson');
    const whole = statSync(file).size;
    appendFileSync(file, JSON.stringify(work(3)).slice(0, 20));

    const reopened = CommitJournal.open(dir, SYSTEM);
    expect(reopened.recovered).to.deep.equal([work(1), work(2)]);
    expect(statSync(file).size).to.equal(whole);
    reopened.append(work(3));
    reopened.close();
    expect(CommitJournal.open(dir, SYSTEM).recovered).to.have.length(3);
  });

  it('refuses a data directory made for another system, naming what differs', () => {
    CommitJournal.open(dir, SYSTEM).close();
    expect(() => CommitJournal.open(dir, { ...SYSTEM, seed: 2 })).to.throw(CommitJournalError, /seed 1, not seed 2/);
    expect(JSON.parse(readFileSync(join(dir, 'system.json'), 'utf8'))).to.include({ seed: 1, customers: 100 });
  });
});
