/** Endpoints: named capture inboxes, each owning the URL prefix `/<slug>` on the receiver. */
import { randomUUID } from 'node:crypto'
import { SLUG_PATTERN, uniqueSlugFromName } from '../shared/slug'
import { errorMessage, InspectorError } from '../shared/errors'
import type { StoredEndpoint } from './store/persisted-schema'
import type { SettingsStore } from './store/settings-store'

export const DEFAULT_ENDPOINT = { name: 'Default', slug: 'default' } as const

type EndpointSettings = Pick<StoredEndpoint, 'answerConfig' | 'providerSettings' | 'forward' | 'replayTarget'>
/** Each given setting replaces the current one; `null` removes it (back to the default). */
export type EndpointSettingsChange = { [K in keyof EndpointSettings]?: NonNullable<EndpointSettings[K]> | null }

export interface EndpointRegistry {
  list(): StoredEndpoint[]
  get(id: string): StoredEndpoint
  /** The endpoint with this id, or `undefined` (no copy: used for every capture). */
  find(id: string): StoredEndpoint | undefined
  findBySlug(slug: string): StoredEndpoint | undefined
  create(input: { name: string; slug?: string }): Promise<StoredEndpoint>
  update(input: { id: string; name?: string; slug?: string }): Promise<StoredEndpoint>
  delete(id: string): Promise<StoredEndpoint>
  /** Changes an endpoint's settings (answers, recognition, forwarding, resend target). */
  configure(id: string, change: EndpointSettingsChange): Promise<StoredEndpoint>
  /** Re-creates an endpoint under a known id (for captures whose endpoint record was lost). */
  adopt(input: { id: string; name: string; slug: string }): Promise<StoredEndpoint>
}

export function createEndpointRegistry(settings: SettingsStore, now: () => Date): EndpointRegistry {
  const endpoints = (): StoredEndpoint[] => settings.data.endpoints
  const findBySlug = (slug: string): StoredEndpoint | undefined => endpoints().find((endpoint) => endpoint.slug === slug)

  function get(id: string): StoredEndpoint {
    const endpoint = endpoints().find((candidate) => candidate.id === id)
    if (!endpoint) throw new InspectorError('NOT_FOUND', `no endpoint with id ${id}`)
    return endpoint
  }

  function assertSlugFree(slug: string, ownId?: string): void {
    const owner = findBySlug(slug)
    if (owner && owner.id !== ownId) throw new InspectorError('CONFLICT', `the slug "${slug}" is already used by endpoint "${owner.name}"`)
  }

  /** A slug derived from the name, made unique with a numeric suffix (the endpoint form proposes the same). */
  function slugFor(name: string): string {
    return uniqueSlugFromName(name, (candidate) => findBySlug(candidate) !== undefined)
  }

  /** Saves, and puts the previous state back if the write fails, so memory never runs ahead of disk. */
  async function commit(change: () => void): Promise<void> {
    const before = structuredClone(settings.data.endpoints)
    change()
    try {
      await settings.save()
    } catch (error: unknown) {
      settings.data.endpoints = before
      throw new InspectorError('STORAGE_FAILED', `could not save endpoints: ${errorMessage(error)}`)
    }
  }

  return {
    list: () => [...endpoints()],
    find: (id) => endpoints().find((endpoint) => endpoint.id === id),
    get,
    findBySlug,
    async create({ name, slug }) {
      if (slug !== undefined) assertSlugFree(slug)
      const endpoint: StoredEndpoint = { id: randomUUID(), name, slug: slug ?? slugFor(name), createdAt: now().toISOString() }
      if (!SLUG_PATTERN.test(endpoint.slug)) throw new InspectorError('BAD_REQUEST', `cannot use "${endpoint.slug}" as a slug`)
      await commit(() => settings.data.endpoints.push(endpoint))
      return endpoint
    },
    async update({ id, name, slug }) {
      get(id)
      if (slug !== undefined) assertSlugFree(slug, id)
      // The endpoint as this update left it: by the time its save is done, a later update may have
      // changed it again, and each caller is told what its own update did.
      let updated: StoredEndpoint | undefined
      await commit(() => {
        const target = get(id)
        if (name !== undefined) target.name = name
        if (slug !== undefined) target.slug = slug
        updated = structuredClone(target)
      })
      return updated as StoredEndpoint
    },
    async delete(id) {
      const endpoint = get(id)
      await commit(() => {
        settings.data.endpoints = settings.data.endpoints.filter((candidate) => candidate.id !== id)
      })
      return endpoint
    },
    async configure(id, change) {
      get(id)
      // As for `update`: the endpoint as this change left it.
      let configured: StoredEndpoint | undefined
      await commit(() => {
        const target = get(id)
        for (const [key, value] of Object.entries(change)) {
          if (value === null) delete target[key as keyof EndpointSettingsChange]
          else Object.assign(target, { [key]: value })
        }
        configured = structuredClone(target)
      })
      return configured as StoredEndpoint
    },
    async adopt({ id, name, slug }) {
      const endpoint: StoredEndpoint = { id, name, slug: findBySlug(slug) ? slugFor(slug) : slug, createdAt: now().toISOString() }
      await commit(() => settings.data.endpoints.push(endpoint))
      return endpoint
    },
  }
}
