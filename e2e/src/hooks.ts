import { killAll } from './harness/processes.js';
import { startSuiteDatabase, stopSuiteDatabase } from './harness/suite-database.js';

// Mocha root hooks: one PostgreSQL for the run, and no child process outlives the run.
export const mochaHooks = {
  async beforeAll(this: Mocha.Context): Promise<void> {
    this.timeout(120_000);
    process.env['MLC_E2E_DATABASE_URL'] = await startSuiteDatabase();
  },
  async afterAll(this: Mocha.Context): Promise<void> {
    this.timeout(30_000);
    killAll();
    await stopSuiteDatabase();
  },
};
