/**
 * The delivery and compare procedures (`getDelivery`, `diffCaptures`, `listCaptures { groupBy:
 * "delivery" }`), built on the store's primitives: `deliveryAttemptFacts(key)` and `get` for a
 * delivery's attempts (delivery-page.ts reads only the records an answer shows), `page()` for the
 * newest-first list, `load`/`readBody` for what is compared.
 */
import type { CaptureDiff } from '../../shared/capture-diff'
import type { CaptureSummary } from '../../shared/views'
import type { DeliveryView } from '../../shared/views'
import { isCaptureFilterActive, type CaptureFilter } from '../../shared/capture-filter'
import { InspectorError } from '../../shared/errors'
import type { ReplayRecord } from '../../shared/replay'
import { diffRequests, type RequestToCompare } from '../diff/request-diff'
import type { CapturePageQuery, CaptureStore } from '../store/capture-store'
import { cachingDeliveryFacts } from './delivery-facts-cache'
import { lookUpDeliveryGroups, readDeliveryPage, type DeliveryGroupLookup } from './delivery-page'

/** Captures one grouped page looks at, at most: past it the page ends early (with a cursor to go on). */
export const MAX_GROUPED_SCAN = 20_000

/** What the delivery procedures read: the store's primitives and the replay history. */
export interface DeliveryProcedureDeps {
  store: Pick<CaptureStore, 'has' | 'get' | 'load' | 'readBody' | 'deliveryAttemptFacts' | 'matchingSeqs' | 'revision' | 'deliveryHashesChangedSince'>
  /** The resends of a capture (its replay history). */
  resendsOf(captureId: string): Promise<ReplayRecord[]>
  /** Storage errors reach callers as STORAGE_FAILED. */
  runStorage<T>(operation: () => Promise<T>): Promise<T>
}

/** The handlers `procedures.ts` wires to `getDelivery`, `diffCaptures` and grouped `listCaptures`. */
export interface DeliveryProcedures {
  /**
   * The latest `limit` attempts of the capture's delivery, those before `cursor` (a page's
   * `nextCursor`), or those up to attempt number `upToAttempt` (a jump to any attempt).
   */
  getDelivery(input: { captureId: string; cursor?: string; upToAttempt?: number; limit?: number }): Promise<DeliveryView>
  diffCaptures(input: { leftId: string; rightId?: string; rightReplayId?: string }): Promise<CaptureDiff>
  /**
   * One row per delivery: its latest attempt, with `delivery` facts, paged like `pageOf` (the
   * store's page, or the search engine's for a query). With a filter, a delivery is listed when
   * any of its attempts matches, at the latest one that does (see `pageGroupedRows`).
   */
  pageByDelivery(query: CapturePageQuery, pageOf: PageOf): Promise<CapturePageResult>
  /**
   * The same rows read from the oldest end, oldest first (End in a grouped list): a delivery is
   * listed where its latest (matching) attempt is, whichever way the list is read. `pageOf` pages
   * oldest first above `afterSeq`.
   */
  pageByDeliveryOldestFirst(query: OldestFirstQuery, pageOf: OldestFirstPageOf): Promise<{ items: CaptureSummary[]; nextAfterSeq: number | null }>
}

/** A page from the oldest end: above `afterSeq`, oldest first. */
export type OldestFirstQuery = Omit<CapturePageQuery, 'beforeSeq'> & { afterSeq?: number }

/** Pages the list from the oldest end (the store's `pageOldestFirst`). */
export type OldestFirstPageOf = (query: OldestFirstQuery) => Promise<{ items: CaptureSummary[]; nextAfterSeq: number | null }>

/** One page of the list, as `store.page()` returns it. */
export interface CapturePageResult {
  items: CaptureSummary[]
  nextBeforeSeq: number | null
  total: number
}

/** Pages the list: the store's page (its search engine answers filters). */
export type PageOf = (query: CapturePageQuery) => Promise<CapturePageResult>

/** Builds the delivery and compare procedures over the store. */
export function createDeliveryProcedures(deps: DeliveryProcedureDeps): DeliveryProcedures {
  // Attempt facts kept until a change touches their delivery (delivery-facts-cache.ts): each page of
  // a delivery, and each page of the grouped list, passed over memory again for them.
  const store: DeliveryProcedureDeps['store'] = {
    has: (id) => deps.store.has(id),
    get: (id) => deps.store.get(id),
    load: (id) => deps.store.load(id),
    readBody: (id) => deps.store.readBody(id),
    matchingSeqs: (endpointId, filter, among) => deps.store.matchingSeqs(endpointId, filter, among),
    revision: () => deps.store.revision(),
    deliveryHashesChangedSince: (revision) => deps.store.deliveryHashesChangedSince(revision),
    deliveryAttemptFacts: cachingDeliveryFacts(deps.store),
  }

  async function summaryOf(id: string): Promise<CaptureSummary> {
    const summary = await store.get(id)
    if (!summary) throw new InspectorError('NOT_FOUND', `no capture with id ${id}`)
    return summary
  }

  async function captureSide(id: string): Promise<RequestToCompare & { label: string }> {
    if (!store.has(id)) throw new InspectorError('NOT_FOUND', `no capture with id ${id}`)
    const capture = await store.load(id)
    const bytes = capture.outcome === 'captured' ? await deps.runStorage(() => store.readBody(id)) : Buffer.alloc(0)
    return {
      label: `capture #${capture.seq}`,
      side: {
        kind: 'capture',
        id: capture.id,
        captureId: capture.id,
        seq: capture.seq,
        at: capture.receivedAt,
        method: capture.method,
        target: capture.target,
        url: null,
        body: { sha256: capture.body.sha256, size: capture.body.size },
      },
      headers: capture.headers,
      body: {
        bytes,
        sha256: capture.body.sha256,
        size: capture.body.size,
        complete: capture.outcome === 'captured',
        notStored: capture.outcome !== 'captured',
        incompleteBecause: capture.outcome === 'captured' ? undefined : `capture #${capture.seq} was refused: its body was not stored`,
      },
    }
  }

  async function resendSide(captureId: string, captureSeq: number, replayId: string): Promise<RequestToCompare & { label: string }> {
    const records = await deps.resendsOf(captureId)
    const record = records.find((candidate) => candidate.id === replayId)
    if (!record) throw new InspectorError('NOT_FOUND', `capture ${captureId} has no resend with id ${replayId}`)
    const { sent } = record
    return {
      label: `resend ${record.at}`,
      side: {
        kind: 'resend',
        id: record.id,
        captureId: record.captureId,
        seq: captureSeq,
        at: record.at,
        method: sent.method,
        target: sent.target,
        url: sent.url,
        body: { sha256: sent.bodySha256, size: sent.bodySize },
      },
      headers: sent.headers,
      body: {
        bytes: Buffer.from(sent.bodyBase64, 'base64'),
        sha256: sent.bodySha256,
        size: sent.bodySize,
        complete: !sent.bodyTruncated,
        incompleteBecause: sent.bodyTruncated
          ? `the resend's history keeps only the first ${Buffer.byteLength(sent.bodyBase64, 'base64').toLocaleString('en-US')} bytes of its body`
          : undefined,
      },
    }
  }

  return {
    async getDelivery({ captureId, cursor, upToAttempt, limit }) {
      const capture = await summaryOf(captureId)
      // A provider sends to each endpoint URL separately: a delivery is its attempts on the capture's endpoint.
      return deps.runStorage(() => readDeliveryPage(store, capture, { cursor: cursor === undefined ? undefined : Number(cursor), upToAttempt, limit }))
    },

    async diffCaptures({ leftId, rightId, rightReplayId }) {
      const left = await captureSide(leftId)
      const right = rightReplayId !== undefined ? await resendSide(leftId, left.side.seq, rightReplayId) : await captureSide(rightId as string)
      return diffRequests(left, right, { left: left.label, right: right.label })
    },

    async pageByDelivery(query, pageOf) {
      /** The first page's: the captures the list holds (a page is always read). */
      let total: number | null = null
      const { rows, next } = await pageGroupedRows(store, query, 'newest-first', query.beforeSeq, query.limit, async (beforeSeq, limit) => {
        const page = await pageOf({ ...query, beforeSeq, limit })
        total ??= page.total
        return { items: page.items, next: page.nextBeforeSeq }
      })
      return { items: rows, nextBeforeSeq: next, total: total ?? 0 }
    },

    async pageByDeliveryOldestFirst(query, pageOf) {
      const { rows, next } = await pageGroupedRows(store, query, 'oldest-first', query.afterSeq, query.limit, async (afterSeq, limit) => {
        const page = await pageOf({ ...query, afterSeq, limit })
        return { items: page.items, next: page.nextAfterSeq }
      })
      return { items: rows, nextAfterSeq: next }
    },
  }
}

/** A delivery as the grouped list tells them apart: its key on its endpoint (a provider sends to each endpoint URL separately). */
function deliveryOf(capture: CaptureSummary): string {
  return `${capture.endpointId}\u0000${capture.deliveryKey}`
}

/** One page of the list read one way: its captures in that order, and the cursor of the page after (`null`: none). */
interface ListPage {
  items: CaptureSummary[]
  next: number | null
}

/**
 * Up to `limit` rows of the grouped list from `from` on, read one way (newest first, or oldest
 * first from End): `readPage(cursor, limit)` pages the list that way. A row is a capture that
 * matches the list's filter while no attempt of its delivery stored after it does: without a
 * filter, its delivery's latest stored attempt; with one, its latest matching attempt, so a
 * search never loses a delivery to grouping (a note on a first attempt, `status:5xx` on a delivery
 * that succeeded later, `before:` a delivery's last retry: these listed no row, under a total that
 * counted the match). Whichever way the list is read, and wherever a page starts, the rows are the
 * same. Returns the rows and the cursor to go on from (`null`: the end of the list). Past
 * MAX_GROUPED_SCAN captures looked at, the rows end early with a cursor.
 */
async function pageGroupedRows(
  store: DeliveryProcedureDeps['store'],
  scope: { endpointId?: string | undefined; filter?: CaptureFilter | undefined },
  direction: 'newest-first' | 'oldest-first',
  from: number | undefined,
  limit: number,
  readPage: (cursor: number | undefined, limit: number) => Promise<ListPage>,
): Promise<{ rows: CaptureSummary[]; next: number | null }> {
  const filtered = isCaptureFilterActive(scope.filter)
  const rows: CaptureSummary[] = []
  /**
   * The highest `seq` known to be an attempt of each delivery that the list holds (any attempt
   * without a filter, a matching one with): met on a page, or found by a look-up. An attempt below
   * it is no row, and is not looked up. Read newest first, the first attempt met of a delivery is
   * the highest met; read oldest first, each page meets a newer one, and without the look-up's
   * answer a delivery of 20,000 attempts (a ping retried for ever) was looked up again on each of
   * the 200 pages it spans: a pass over memory and its 20,000 facts per page.
   */
  const latestKnown = new Map<string, number>()
  const know = (key: string, seq: number) => latestKnown.set(key, Math.max(latestKnown.get(key) ?? seq, seq))
  let cursor = from
  let scanned = 0
  for (;;) {
    const page = await readPage(cursor, Math.max(limit, 100))
    // Only the latest attempt met of a delivery can be a row: one look-up per delivery met.
    const candidates = new Map<string, CaptureSummary>()
    for (const item of page.items) {
      const key = deliveryOf(item)
      const latest = latestKnown.get(key)
      if (latest !== undefined && latest > item.seq) continue
      latestKnown.set(key, item.seq)
      candidates.set(key, item)
    }
    const looked = [...candidates.values()]
    const lookups = await lookUpDeliveryGroups(store, looked)
    const rowLookups = new Map<string, DeliveryGroupLookup>()
    /** Attempts stored after a candidate that the list's pages have not shown to match or not: the search is asked. */
    const unmet = new Map<number, number[]>()
    for (const [index, lookup] of lookups.entries()) {
      const item = looked[index] as CaptureSummary
      const { newerSeqs } = lookup
      if (newerSeqs.length === 0) rowLookups.set(item.id, lookup)
      else if (!filtered) know(deliveryOf(item), newerSeqs.at(-1) as number)
      else {
        // Read newest first, every attempt stored after this one and before the first page's cursor
        // was met on the way here, and did not match (else this one was no candidate).
        const open = direction === 'oldest-first' ? newerSeqs : from === undefined ? [] : newerSeqs.filter((seq) => seq >= from)
        if (open.length === 0) rowLookups.set(item.id, lookup)
        else unmet.set(index, open)
      }
    }
    if (unmet.size > 0) {
      const matching = new Set(await store.matchingSeqs(scope.endpointId, scope.filter, new Set([...unmet.values()].flat())))
      for (const [index, open] of unmet) {
        const item = looked[index] as CaptureSummary
        const later = open.filter((seq) => matching.has(seq))
        if (later.length === 0) rowLookups.set(item.id, lookups[index] as DeliveryGroupLookup)
        else know(deliveryOf(item), later.at(-1) as number)
      }
    }
    for (const item of page.items) {
      scanned++
      const delivery = await rowLookups.get(item.id)?.info()
      if (!delivery) continue
      rows.push({ ...item, delivery })
      if (rows.length === limit) {
        const more = item !== page.items.at(-1) || page.next !== null
        return { rows, next: more ? item.seq : null }
      }
    }
    if (page.next === null) return { rows, next: null }
    cursor = page.next
    if (scanned >= MAX_GROUPED_SCAN) return { rows, next: cursor }
  }
}
