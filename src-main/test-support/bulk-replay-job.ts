/**
 * Waiting for a bulk replay started in a test: the job runs in the background, so a test waits for
 * it to finish (as long as `waitFor` waits: a busy machine can take seconds over a handful of local
 * requests) and then reads its final view. A job that never finishes fails the test, saying how far
 * it got.
 */
import type { BulkJobView } from '../shared/views'
import type { ProcedureHandlers } from '../core/procedures'
import { waitFor } from './wait-for'

/** The job's view once it has finished (sent, failed or cancelled every item). */
export async function finishedBulkReplay(procedures: Pick<ProcedureHandlers, 'getBulkReplay'>, jobId: string): Promise<BulkJobView> {
  try {
    return await waitFor(async () => {
      const job = await procedures.getBulkReplay({ jobId })
      return job.finished ? job : undefined
    })
  } catch (error: unknown) {
    const job = await procedures.getBulkReplay({ jobId })
    throw new Error(`bulk replay ${jobId} did not finish: ${job.done} of ${job.total} done`, { cause: error })
  }
}
