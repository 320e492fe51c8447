import type { FlowRun } from './flow-run.js';
import type { FlowKey } from './flow-keys.js';

/** What a flow does in one run: find its work (changes, watermarks, pending records) and do it. */
export interface FlowRunner<K extends FlowKey> {
  readonly key: K;
  run(run: FlowRun<K>): Promise<void>;
}
