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

it('answers each of many concurrent updates with what that update did, and keeps the last', async () => {
  const { dir, remove } = await makeTempDir('update-')
  try {
    const settings = await openSettingsStore(join(dir, 'inspector.json'), join(dir, 'unreadable'), () => new Date())
    const endpoints = createEndpointRegistry(settings, () => new Date())
    const { id } = await endpoints.create({ name: 'Shop' })
    const answers = await Promise.all(Array.from({ length: 20 }, (_, index) => endpoints.update({ id, name: `Shop ${index}`, slug: `shop-${index}` })))
    expect(answers.map(({ name, slug }) => `${name} ${slug}`)).toEqual(Array.from({ length: 20 }, (_, index) => `Shop ${index} shop-${index}`))
    expect(endpoints.get(id)).toMatchObject({ name: 'Shop 19', slug: 'shop-19' })
    // An answer is a copy: a later update does not change what an earlier caller holds.
    await endpoints.update({ id, name: 'Later' })
    expect(answers[0]!.name).toBe('Shop 0')
  } finally {
    await remove()
  }
})
