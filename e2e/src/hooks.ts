import { killAll, takeProcessTails } from './harness/processes.js';
import { startSuiteDatabase, stopSuiteDatabase } from './harness/suite-database.js';

// Mocha root hooks: one PostgreSQL for the run, and no child process outlives the run.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    process.env['MLC_E2E_DATABASE_URL'] = await startSuiteDatabase();
  },
  afterEach(this: Mocha.Context): void {
    const tails = takeProcessTails();
    if (this.currentTest?.state === 'failed' && tails) process.stderr.write(`\nprocess output around the failure:\n${tails}\n`);
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    killAll();
    await stopSuiteDatabase();
  },
};
