// A worker thread that verifies seq ranges of the chain (chain-ranges.ts), one after the other, on its own
// connection inside the snapshot the verifier exported, so every range sees the same committed events. Started by
// VerifyAuditChain.
import { parentPort, workerData } from 'node:worker_threads';
import { Client } from 'pg';
import { RangeOutcome, SealedRange, verifySealedRange } from './chain-ranges';

export interface RangeJob {
  databaseUrl: string;
  /** From `pg_export_snapshot()` in the verifier's open transaction. */
  snapshot: string;
  ranges: SealedRange[];
}

export type RangeReply = { outcomes: RangeOutcome[] } | { error: string };

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

async function run(job: RangeJob): Promise<RangeOutcome[]> {
  if (!SNAPSHOT_ID.test(job.snapshot)) throw new Error(`not a snapshot id: ${job.snapshot}`);
  const client = new Client({ connectionString: job.databaseUrl, application_name: 'vigil-audit-verify' });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET TRANSACTION SNAPSHOT '${job.snapshot}'`);
    const outcomes: RangeOutcome[] = [];
    for (const range of job.ranges) outcomes.push(await verifySealedRange(client, range));
    await client.query('COMMIT');
    return outcomes;
  } finally {
    await client.end();
  }
}

run(workerData as RangeJob).then(
  (outcomes) => parentPort!.postMessage({ outcomes } satisfies RangeReply),
  (error: unknown) => parentPort!.postMessage({ error: error instanceof Error ? error.message : String(error) } satisfies RangeReply),
);
