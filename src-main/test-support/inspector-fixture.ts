/**
 * A Vitest fixture for the setup every integration test repeats: a fresh data folder, the app
 * started on it (receiver on a free port), and both torn down after the test, pass or fail, in the
 * right order (stop, then remove the folder). Tests ask only for what they use:
 *
 *   const test = useInspector()
 *   test('…', async ({ inspector, endpoint }) => { … })
 *
 * as `e2e/fixtures/inspector.ts` does for the Playwright specs.
 */
import { test as base } from 'vitest'
import type { Endpoint, InspectorEvent } from '../shared/contract'
import { startInspector, type Inspector, type InspectorConfig, type InspectorDeps } from '../core/inspector'
import { silentLogger } from '../core/logger'
import { startLoopbackTarget, type LoopbackTarget, type TargetHandler } from './loopback-target'
import { makeTempDir } from './temp-dir'

export interface InspectorFixtures {
  /** The app's data folder, empty at the start; removed after the test. */
  dataDir: string
  /** The app, started on `dataDir`; stopped after the test. */
  inspector: Inspector
  /** The endpoint a fresh app creates (`default`). */
  endpoint: Endpoint
  /** Every event the app publishes from the moment the test asks for it, in order. */
  events: InspectorEvent[]
  /** A loopback HTTP server answering 200 that records what it got (a replay or forward target); closed after the test. */
  target: LoopbackTarget
  /** Starts a loopback server with its own answers (a 503, a hang, a verifier); every one is closed after the test. */
  startTarget: (handler?: TargetHandler) => Promise<LoopbackTarget>
}

export interface InspectorFixtureOptions {
  /** Config beyond the data folder, a free receiver port and version `test`. */
  config?: Partial<Omit<InspectorConfig, 'dataDir'>>
  /** Deps beyond a silent logger (a fixed clock, a seeded random, a failing disk…). */
  deps?: Partial<InspectorDeps>
}

/** A Vitest `test` whose context offers {@link InspectorFixtures}, started with `options`. */
export function useInspector(options: InspectorFixtureOptions = {}) {
  return base.extend<InspectorFixtures>({
    // Vitest reads a fixture's dependencies from its first parameter, so it must be a pattern.
    // eslint-disable-next-line no-empty-pattern
    dataDir: async ({}, use) => {
      const temp = await makeTempDir()
      try {
        await use(temp.dir)
      } finally {
        await temp.remove()
      }
    },
    inspector: async ({ dataDir }, use) => {
      const inspector = await startInspector({ receiverPort: 0, version: 'test', ...options.config, dataDir }, { logger: silentLogger, ...options.deps })
      try {
        await use(inspector)
      } finally {
        await inspector.stop()
      }
    },
    endpoint: async ({ inspector }, use) => {
      const [endpoint] = await inspector.procedures.listEndpoints({})
      if (endpoint === undefined) throw new Error('a fresh app has no endpoint')
      await use(endpoint)
    },
    events: async ({ inspector }, use) => {
      const events: InspectorEvent[] = []
      inspector.events.subscribe((event) => events.push(event))
      await use(events)
    },
    // eslint-disable-next-line no-empty-pattern
    startTarget: async ({}, use) => {
      const started: LoopbackTarget[] = []
      try {
        await use(async (handler) => {
          const target = await startLoopbackTarget(handler)
          started.push(target)
          return target
        })
      } finally {
        for (const target of started) await target.close()
      }
    },
    // eslint-disable-next-line no-empty-pattern
    target: async ({}, use) => {
      const target = await startLoopbackTarget()
      try {
        await use(target)
      } finally {
        await target.close()
      }
    },
  })
}
