/**
 * The delivery and compare procedures (`getDelivery`, `diffCaptures`, `listCaptures { groupBy:
 * "delivery" }`), built on the store's primitives: `deliveryAttemptFacts(key)` and `get` for a
 * delivery's attempts (delivery-page.ts reads only the records an answer shows), `page()` for the
 * newest-first list, `load`/`readBody` for what is compared.
 */
import type { CaptureDiff } from '../../shared/capture-diff'
import type { CaptureSummary } from '../../shared/views'
import type { DeliveryView } from '../../shared/views'
import { InspectorError } from '../../shared/errors'
import type { ReplayRecord } from '../../shared/replay'
import { diffRequests, type RequestToCompare } from '../diff/request-diff'
import type { CapturePageQuery, CaptureStore } from '../store/capture-store'
import { readDeliveryGroupInfos, readDeliveryPage } from './delivery-page'

/** Captures one grouped page looks at, at most: past it the page ends early (with a cursor to go on). */
export const MAX_GROUPED_SCAN = 20_000

/** What the delivery procedures read: the store's primitives and the replay history. */
export interface DeliveryProcedureDeps {
  store: Pick<CaptureStore, 'has' | 'get' | 'load' | 'readBody' | 'deliveryAttemptFacts'>
  /** The resends of a capture (its replay history). */
  resendsOf(captureId: string): Promise<ReplayRecord[]>
  /** Storage errors reach callers as STORAGE_FAILED. */
  runStorage<T>(operation: () => Promise<T>): Promise<T>
}

/** The handlers `procedures.ts` wires to `getDelivery`, `diffCaptures` and grouped `listCaptures`. */
export interface DeliveryProcedures {
  /** The latest `limit` attempts of the capture's delivery, or those before `cursor` (a page's `nextCursor`). */
  getDelivery(input: { captureId: string; cursor?: string; limit?: number }): Promise<DeliveryView>
  diffCaptures(input: { leftId: string; rightId?: string; rightReplayId?: string }): Promise<CaptureDiff>
  /**
   * One row per delivery: its latest attempt, with `delivery` facts, paged like `pageOf` (the
   * store's page, or the search engine's for a query): a delivery is listed when its latest
   * attempt is in what `pageOf` returns.
   */
  pageByDelivery(query: CapturePageQuery, pageOf: PageOf): Promise<CapturePageResult>
  /**
   * The same rows read from the oldest end, oldest first (End in a grouped list): a delivery is
   * listed where its latest attempt is, so a row is a capture that is its delivery's latest attempt,
   * whichever way the list is read. `pageOf` pages oldest first above `afterSeq`.
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
  const { store } = deps

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
        incompleteBecause: capture.outcome === 'captured' ? undefined : `capture #${capture.seq} was refused: its body was not stored`,
      },
    }
  }

  async function resendSide(captureId: string, replayId: string): Promise<RequestToCompare & { label: string }> {
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
    async getDelivery({ captureId, cursor, limit }) {
      const capture = await summaryOf(captureId)
      // A provider sends to each endpoint URL separately: a delivery is its attempts on the capture's endpoint.
      return deps.runStorage(() => readDeliveryPage(store, capture, { cursor: cursor === undefined ? undefined : Number(cursor), limit }))
    },

    async diffCaptures({ leftId, rightId, rightReplayId }) {
      const left = await captureSide(leftId)
      const right = rightReplayId !== undefined ? await resendSide(leftId, rightReplayId) : await captureSide(rightId as string)
      return diffRequests(left, right, { left: left.label, right: right.label })
    },

    async pageByDelivery(query, pageOf) {
      const rows: CaptureSummary[] = []
      /** Deliveries met on this page: an older attempt met later is part of the row (or the non-row) already decided. */
      const seen = new Set<string>()
      let cursor = query.beforeSeq
      let total: number | null = null
      let scanned = 0
      for (;;) {
        const page = await pageOf({ ...query, beforeSeq: cursor, limit: Math.max(query.limit, 100) })
        total ??= page.total
        // The first attempt met of each delivery not met before (newest first: older ones belong to its row, or to none).
        const firsts = page.items.filter((item) => {
          const seenKey = `${item.endpointId}\u0000${item.deliveryKey}`
          if (seen.has(seenKey)) return false
          seen.add(seenKey)
          return true
        })
        // A delivery is listed where its latest attempt is: older attempts are part of that row.
        const infos = new Map((await readDeliveryGroupInfos(store, firsts)).map((info, index) => [(firsts[index] as CaptureSummary).id, info]))
        for (const item of page.items) {
          scanned++
          const delivery = infos.get(item.id)
          if (!delivery) continue
          rows.push({ ...item, delivery })
          if (rows.length === query.limit) {
            const more = item !== page.items.at(-1) || page.nextBeforeSeq !== null
            return { items: rows, nextBeforeSeq: more ? item.seq : null, total }
          }
        }
        if (page.nextBeforeSeq === null) return { items: rows, nextBeforeSeq: null, total }
        cursor = page.nextBeforeSeq
        if (scanned >= MAX_GROUPED_SCAN) return { items: rows, nextBeforeSeq: cursor, total }
      }
    },

    async pageByDeliveryOldestFirst(query, pageOf) {
      const rows: CaptureSummary[] = []
      let cursor = query.afterSeq
      let scanned = 0
      for (;;) {
        const page = await pageOf({ ...query, afterSeq: cursor, limit: Math.max(query.limit, 100) })
        // Only the page's newest attempt of a delivery can be its latest: one look-up per delivery met.
        const newestOfEach = new Map<string, CaptureSummary>()
        for (const item of page.items) newestOfEach.set(`${item.endpointId}\u0000${item.deliveryKey}`, item)
        const candidates = [...newestOfEach.values()]
        const infos = new Map((await readDeliveryGroupInfos(store, candidates)).map((info, index) => [(candidates[index] as CaptureSummary).id, info]))
        for (const item of page.items) {
          scanned++
          const delivery = infos.get(item.id)
          if (!delivery) continue
          rows.push({ ...item, delivery })
          if (rows.length === query.limit) {
            const more = item !== page.items.at(-1) || page.nextAfterSeq !== null
            return { items: rows, nextAfterSeq: more ? item.seq : null }
          }
        }
        if (page.nextAfterSeq === null) return { items: rows, nextAfterSeq: null }
        cursor = page.nextAfterSeq
        if (scanned >= MAX_GROUPED_SCAN) return { items: rows, nextAfterSeq: cursor }
      }
    },
  }
}
