/** The endpoint registry takes its slugs from shared/slug.ts, the rule the endpoint form shows (its own tests: shared/slug.test.ts). */
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { slugFromName } from '../shared/slug'
import { makeTempDir } from '../test-support/temp-dir'
import { createEndpointRegistry } from './endpoints'
import { openSettingsStore } from './store/settings-store'

it('gives the core the same slug the form showed', async () => {
  const { dir, remove } = await makeTempDir('slug-')
  try {
    const settings = await openSettingsStore(join(dir, 'inspector.json'), join(dir, 'unreadable'), () => new Date())
    const endpoints = createEndpointRegistry(settings, () => new Date())
    for (const name of ['Crème brûlée', '日本', 'Stripe (test)']) {
      expect((await endpoints.create({ name })).slug).toBe(slugFromName(name))
    }
  } finally {
    await remove()
  }
})
