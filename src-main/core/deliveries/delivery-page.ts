/**
 * A delivery's attempts read as little as its answer needs. Memory knows every attempt's arrival,
 * answer status and provider (`store.deliveryAttemptFacts`); records are read only for the page
 * of the Delivery view shown, the first attempt answered with a 2xx and the first recognised one
 * (the schedule). A delivery of 9,000 attempts (a monitoring ping's identical bytes every 10 s)
 * read all 9,000 records to list 500 of them.
 *
 * The facts are exact (the store confirms each candidate's key, reading a record once, when a
 * delivery's key shares its 32-bit hash with another's). A record read for the answer is still
 * checked: a fact whose capture was deleted, or recognised again as another delivery, since the
 * facts were gathered is dropped and the answer worked out again.
 */
import type { DeliveryGroupInfo } from '../../shared/deliveries'
import type { CaptureSummary, DeliveryView } from '../../shared/views'
import type { CaptureStore, DeliveryAttemptFact } from '../store/capture-store'
import { answeredWith2xx, buildDeliveryPage, MAX_TIMELINE_ATTEMPTS, scheduleOf } from './delivery-timeline'

/** What reading a delivery takes from the store. */
export type DeliveryStore = Pick<CaptureStore, 'get' | 'deliveryAttemptFacts'>

/** Records read at once: a page of 500 is read in a few batches, not 500 reads in flight together. */
const READ_BATCH = 100

/**
 * Which attempts of a delivery one page lists: the latest `limit`, the latest `limit` before
 * `cursor` (a `seq`), or the `limit` attempts up to attempt number `upToAttempt` (1 = the first
 * to arrive; past the last, the latest).
 */
export interface DeliveryPageRequest {
  cursor?: number
  upToAttempt?: number
  limit?: number
}

/** A fact as memory would give it, for a capture the store's index has not taken in yet. */
function factOf(summary: CaptureSummary): DeliveryAttemptFact {
  return {
    id: summary.id,
    seq: summary.seq,
    receivedAtMs: Date.parse(summary.receivedAt),
    answerStatus: summary.response.status,
    outcome: summary.outcome,
    provider: summary.recognition?.provider.id ?? null,
  }
}

/** A 2xx answer is what could make an attempt the delivered one (a forwarded answer's status is not: `answeredWith2xx`). */
function mayHaveSucceeded(fact: DeliveryAttemptFact): boolean {
  return fact.outcome === 'captured' && fact.answerStatus !== null && fact.answerStatus >= 200 && fact.answerStatus <= 299
}

/** The attempts of one delivery on one endpoint: every one as memory knows it, and the records read so far. */
class DeliveryAttempts {
  readonly deliveryKey: string
  /** The capture the attempts were asked for. */
  readonly asked: CaptureSummary
  /** In the order they arrived (`byArrival`); facts whose records named another delivery are gone. */
  facts: DeliveryAttemptFact[]
  private readonly records = new Map<string, CaptureSummary>()

  constructor(
    private readonly store: DeliveryStore,
    /** The capture of the delivery asked about (read already). */
    asked: CaptureSummary,
    /** What memory knows of the delivery's attempts (`store.deliveryAttemptFacts`). */
    facts: DeliveryAttemptFact[],
  ) {
    this.deliveryKey = asked.deliveryKey
    this.asked = asked
    this.facts = [...facts]
    this.records.set(asked.id, asked)
    // The capture itself is always an attempt, even if the index has not caught up with it.
    if (!this.facts.some((fact) => fact.id === asked.id)) this.facts.push(factOf(asked))
    // In the order they arrived: an import of earlier attempts is stored after later ones.
    this.facts.sort(byArrival)
  }

  /** The record of each fact given (oldest first), reading those not read yet; `null` when a fact was dropped (then start over). */
  async recordsOf(facts: readonly DeliveryAttemptFact[]): Promise<CaptureSummary[] | null> {
    const missing = facts.filter((fact) => !this.records.has(fact.id))
    const dropped = new Set<string>()
    for (let start = 0; start < missing.length; start += READ_BATCH) {
      const batch = missing.slice(start, start + READ_BATCH)
      const read = await Promise.all(batch.map((fact) => this.store.get(fact.id)))
      batch.forEach((fact, index) => {
        const record = read[index]
        if (record === undefined || record.deliveryKey !== this.deliveryKey) dropped.add(fact.id)
        else this.records.set(fact.id, record)
      })
    }
    if (dropped.size > 0) {
      this.facts = this.facts.filter((fact) => !dropped.has(fact.id))
      return null
    }
    return facts.map((fact) => this.records.get(fact.id) as CaptureSummary)
  }

  /** Index of the first attempt answered with a 2xx (`-1`: none), reading only attempts answered 2xx; `null`: start over. */
  async firstSuccess(): Promise<number | null> {
    for (const [index, fact] of this.facts.entries()) {
      if (!mayHaveSucceeded(fact)) continue
      const records = await this.recordsOf([fact])
      if (records === null) return null
      if (answeredWith2xx(records[0] as CaptureSummary)) return index
    }
    return -1
  }

  /** The record of the first recognised attempt (its provider's schedule applies), `undefined` when none is; `null`: start over. */
  async firstRecognised(): Promise<CaptureSummary | undefined | null> {
    const fact = this.facts.find((each) => each.provider !== null && each.provider !== 'unknown')
    if (fact === undefined) return undefined
    const records = await this.recordsOf([fact])
    return records === null ? null : records[0]
  }
}

/**
 * One page of a delivery's Delivery view: the latest `limit` attempts (before `cursor` when given),
 * numbered, timed and flagged within the whole delivery.
 */
export async function readDeliveryPage(store: DeliveryStore, capture: CaptureSummary, request: DeliveryPageRequest = {}): Promise<DeliveryView> {
  const limit = Math.min(request.limit ?? MAX_TIMELINE_ATTEMPTS, MAX_TIMELINE_ATTEMPTS)
  const [known = []] = await store.deliveryAttemptFacts([capture])
  const attempts = new DeliveryAttempts(store, capture, known)
  for (;;) {
    const firstSuccess = await attempts.firstSuccess()
    if (firstSuccess === null) continue
    const recognised = await attempts.firstRecognised()
    if (recognised === null) continue
    const { facts } = attempts
    const end = pageEnd(facts, request)
    const start = Math.max(0, end - limit)
    const listed = await attempts.recordsOf(facts.slice(start, end))
    if (listed === null) continue
    return buildDeliveryPage({
      deliveryKey: attempts.deliveryKey,
      arrivals: facts,
      listed,
      start,
      // Numbered among every attempt, on whichever page it is: the detail's "Attempt 3 of 9,000".
      asked: { record: capture, index: facts.findIndex((fact) => fact.id === capture.id) },
      firstSuccess,
      schedule: recognised === undefined ? null : scheduleOf([recognised]),
      nextCursor: start > 0 ? String((facts[start] as DeliveryAttemptFact).seq) : null,
    })
  }
}

/** What the grouped list learns of a capture's delivery by looking it up. */
export interface DeliveryGroupLookup {
  /** The `seq` of the delivery's attempts stored after this capture, ascending: none when it is its delivery's latest stored attempt. */
  newerSeqs: number[]
  /** The row facts of the whole delivery (reads the records of its first attempt answered 2xx and of its ends); `null` when it has gone meanwhile. */
  info(): Promise<DeliveryGroupInfo | null>
}

/**
 * What the grouped list (`listCaptures { groupBy: "delivery" }`) needs to know of the delivery
 * each capture is an attempt of: which of its attempts were stored after it, and its row facts.
 * Memory is searched once for all of them.
 */
export async function lookUpDeliveryGroups(store: DeliveryStore, captures: readonly CaptureSummary[]): Promise<DeliveryGroupLookup[]> {
  if (captures.length === 0) return []
  const facts = await store.deliveryAttemptFacts(captures)
  return captures.map((capture, index) => {
    const attempts = new DeliveryAttempts(store, capture, facts[index] ?? [])
    const newerSeqs = attempts.facts.flatMap((fact) => (fact.seq > capture.seq ? [fact.seq] : [])).sort((a, b) => a - b)
    return { newerSeqs, info: () => groupInfoOf(attempts) }
  })
}

async function groupInfoOf(attempts: DeliveryAttempts): Promise<DeliveryGroupInfo | null> {
  for (;;) {
    const firstSuccess = await attempts.firstSuccess()
    if (firstSuccess === null) continue
    // The first and latest arrivals' records: `receivedAt` as stored (an imported capture's need not be an ISO string of ours).
    const { facts } = attempts
    if (facts.length === 0) return null
    const ends = await attempts.recordsOf(facts.length === 1 ? facts : [facts[0] as DeliveryAttemptFact, facts.at(-1) as DeliveryAttemptFact])
    if (ends === null) continue
    return {
      deliveryKey: attempts.deliveryKey,
      attemptCount: facts.length,
      firstReceivedAt: (ends[0] as CaptureSummary).receivedAt,
      latestReceivedAt: (ends.at(-1) as CaptureSummary).receivedAt,
      succeeded: firstSuccess !== -1,
      duplicateCount: firstSuccess === -1 ? 0 : facts.length - 1 - firstSuccess,
    }
  }
}

/** Attempts in the order they arrived; attempts of the same millisecond in the order they were stored. */
function byArrival(a: DeliveryAttemptFact, b: DeliveryAttemptFact): number {
  return a.receivedAtMs - b.receivedAtMs || a.seq - b.seq
}

/**
 * Where a page ends among the facts (arrival order): the latest attempt, just after attempt
 * `upToAttempt`, or just before the attempt `cursor` names (the first one of the page after).
 * Should that attempt have gone since, the attempts stored before it are counted instead, close
 * to where it was.
 */
function pageEnd(facts: readonly DeliveryAttemptFact[], { cursor, upToAttempt }: DeliveryPageRequest): number {
  if (upToAttempt !== undefined) return Math.min(upToAttempt, facts.length)
  if (cursor === undefined) return facts.length
  const at = facts.findIndex((fact) => fact.seq === cursor)
  return at !== -1 ? at : facts.filter((fact) => fact.seq < cursor).length
}
