/**
 * A Vitest fixture for the setup every integration test repeats: a fresh data folder, the app
 * started on it (receiver on a free port), and both torn down after the test, pass or fail, in the
 * right order (stop, then remove the folder). Tests ask only for what they use:
 *
 *   const test = useInspector()
 *   test('…', async ({ inspector, endpoint }) => { … })
 *
 * as `e2e/fixtures/inspector.ts` does for the Playwright specs. A file whose tests share one app
 * (as a beforeAll would set it up) asks for `useInspector({ scope: 'file' })`; a test that stops
 * and starts the app itself (a restart) uses `app` instead of `inspector`.
 */
import { test as base } from 'vitest'
import type { InspectorEvent } from '../shared/contract'
import type { Endpoint } from '../shared/views'
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
  /** Starts and stops the app on `dataDir` by hand, for a test that restarts it; not with `inspector` (one app per folder). */
  app: AppLifecycle
}

export interface AppLifecycle {
  /** Starts the app with the fixture's config and deps, plus `config`; the one started last is stopped after the test. */
  start: (config?: Partial<Omit<InspectorConfig, 'dataDir'>>) => Promise<Inspector>
  /** Stops the app started last, if it still runs. */
  stop: () => Promise<void>
}

export interface InspectorFixtureOptions {
  /** Config beyond the data folder, a free receiver port and version `test`. */
  config?: Partial<Omit<InspectorConfig, 'dataDir'>>
  /** Deps beyond a silent logger (a fixed clock, a seeded random, a failing disk…). */
  deps?: Partial<InspectorDeps>
  /**
   * `file`: one data folder and one app for all the tests of the file, stopped after the last one
   * (tests then see each other's captures). `test` (the default): a fresh pair for every test.
   */
  scope?: 'test' | 'file'
}

/** A Vitest `test` whose context offers {@link InspectorFixtures}, started with `options`. */
export function useInspector(options: InspectorFixtureOptions = {}) {
  const scope = { scope: options.scope ?? 'test' } as const
  const start = (dataDir: string, config?: Partial<Omit<InspectorConfig, 'dataDir'>>) =>
    startInspector({ receiverPort: 0, version: 'test', ...options.config, ...config, dataDir }, { logger: silentLogger, ...options.deps })
  return base.extend<InspectorFixtures>({
    dataDir: [
      // Vitest reads a fixture's dependencies from its first parameter, so it must be a pattern.
      // eslint-disable-next-line no-empty-pattern
      async ({}, use) => {
        const temp = await makeTempDir()
        try {
          await use(temp.dir)
        } finally {
          await temp.remove()
        }
      },
      scope,
    ],
    inspector: [
      async ({ dataDir }, use) => {
        const inspector = await start(dataDir)
        try {
          await use(inspector)
        } finally {
          await inspector.stop()
        }
      },
      scope,
    ],
    endpoint: [
      async ({ inspector }, use) => {
        const [endpoint] = await inspector.procedures.listEndpoints({})
        if (endpoint === undefined) throw new Error('a fresh app has no endpoint')
        await use(endpoint)
      },
      scope,
    ],
    // Per test even when the app is shared, so a test sees only the events of its own time.
    events: async ({ inspector }, use) => {
      const events: InspectorEvent[] = []
      const unsubscribe = inspector.events.subscribe((event) => events.push(event))
      try {
        await use(events)
      } finally {
        unsubscribe()
      }
    },
    app: async ({ dataDir }, use) => {
      let running: Inspector | undefined
      const stop = async () => {
        const current = running
        running = undefined
        await current?.stop()
      }
      try {
        await use({ start: async (config) => (running = await start(dataDir, config)), stop })
      } finally {
        await stop()
      }
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
