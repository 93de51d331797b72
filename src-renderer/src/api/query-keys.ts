/**
 * Every React Query key the renderer uses, in one place, so live events can find exactly the
 * entries they affect.
 */
import type { CapturePage } from '../../../src-main/shared/contract'
import type { InfiniteData } from '@tanstack/react-query'

/** `all`: the list across every endpoint. */
export type CaptureScope = string | 'all'

export const queryKeys = {
  status: () => ['status'] as const,
  endpoints: () => ['endpoints'] as const,
  tunnel: () => ['tunnel'] as const,
  captureLists: () => ['captures', 'list'] as const,
  captureList: (scope: CaptureScope) => ['captures', 'list', scope] as const,
  captureDetails: () => ['captures', 'detail'] as const,
  captureDetail: (id: string) => ['captures', 'detail', id] as const,
  providerSettings: (endpointId: string) => ['provider-settings', endpointId] as const,
  answerConfig: (endpointId: string) => ['answer-config', endpointId] as const,
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

/** The scope of a capture-list key, or `undefined` for any other key. */
export function scopeOfListKey(key: readonly unknown[]): CaptureScope | undefined {
  if (key[0] !== 'captures' || key[1] !== 'list') return undefined
  return typeof key[2] === 'string' ? key[2] : undefined
}
