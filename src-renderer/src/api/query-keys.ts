/**
 * Every React Query key the renderer uses, in one place, so live events can find exactly the
 * entries they affect.
 */
import type { CapturePage } from '@shared/views'
import { normalizeCaptureFilter, type CaptureFilter } from '@shared/capture-filter'
import type { InfiniteData } from '@tanstack/react-query'

/** An endpoint id, or `all`: the list across every endpoint. */
export type CaptureScope = string

export const queryKeys = {
  status: () => ['status'] as const,
  endpoints: () => ['endpoints'] as const,
  tunnel: () => ['tunnel'] as const,
  captureLists: () => ['captures', 'list'] as const,
  /**
   * A list of one scope, filtered or not: the filter is normalised, so equal filters share one
   * entry. A list grouped by delivery (one row per delivery) has a fifth element.
   */
  captureList: (scope: CaptureScope, filter?: CaptureFilter, grouped = false) =>
    (grouped
      ? ['captures', 'list', scope, normalizeCaptureFilter(filter) ?? null, GROUPED_BY_DELIVERY]
      : ['captures', 'list', scope, normalizeCaptureFilter(filter) ?? null]) as readonly unknown[],
  captureDetails: () => ['captures', 'detail'] as const,
  captureDetail: (id: string) => ['captures', 'detail', id] as const,
  /** The deliveries (getDelivery) of captures; refreshed when captures arrive or go. */
  deliveries: () => ['deliveries'] as const,
  delivery: (captureId: string) => ['deliveries', captureId] as const,
  /** A comparison of two captures (or a capture and a resend); both never change. */
  captureDiff: (input: { leftId: string; rightId?: string; rightReplayId?: string }) => ['capture-diff', input] as const,
  /** "Compare with…": an endpoint's recent captures offered as the other side. */
  compareCandidates: (endpointId: string) => ['compare-candidates', endpointId] as const,
  providerSettings: (endpointId: string) => ['provider-settings', endpointId] as const,
  /** The providers of an endpoint's newest captures, to start forms on the one seen most. */
  recentProviders: (endpointId: string) => ['recent-providers', endpointId] as const,
  answerConfig: (endpointId: string) => ['answer-config', endpointId] as const,
  /** The provider warnings of an endpoint's unsaved answer drafts (previewAnswerWarnings), each by its configuration. */
  answerWarningsPreviews: (endpointId: string) => ['answer-warnings-preview', endpointId] as const,
  answerWarningsPreview: (endpointId: string, config: unknown) => ['answer-warnings-preview', endpointId, config] as const,
  /** Resend history of one capture, newest first (patched by `replay-recorded`). */
  replayLists: () => ['replays'] as const,
  replays: (captureId: string) => ['replays', captureId] as const,
  replayPreview: (input: unknown) => ['replay-preview', input] as const,
  forwardConfigs: () => ['forward-config'] as const,
  forwardConfig: (endpointId: string) => ['forward-config', endpointId] as const,
  bulkJob: (jobId: string) => ['bulk-replay', jobId] as const,
  simulatorTemplates: () => ['simulator-templates'] as const,
  publicUrlChecks: () => ['public-url-check'] as const,
  publicUrlCheck: (endpointId: string, provider: string, url: string | null) => ['public-url-check', endpointId, provider, url] as const,
}

export type CaptureListKey = ReturnType<typeof queryKeys.captureList>
export type CaptureListData = InfiniteData<CapturePage, string | undefined>

/** The marker of a list grouped by delivery (`listCaptures { groupBy: "delivery" }`). */
const GROUPED_BY_DELIVERY = 'by-delivery'

/** The scope and filter of a capture-list key (`filter` undefined: unfiltered), or `undefined` for any other key. */
export function listOfKey(key: readonly unknown[]): { scope: CaptureScope; filter: CaptureFilter | undefined; grouped: boolean } | undefined {
  if (key[0] !== 'captures' || key[1] !== 'list' || typeof key[2] !== 'string') return undefined
  return { scope: key[2], filter: (key[3] as CaptureFilter | null | undefined) ?? undefined, grouped: key[4] === GROUPED_BY_DELIVERY }
}
