import { describe, expect, it } from 'vitest'
import { rememberOpen, rememberedOpen, type SectionStorage } from './section-memory'

function memoryStorage(): SectionStorage {
  const values = new Map<string, string>()
  return {
    getItem: (key) => values.get(key) ?? null,
    setItem: (key, value) => void values.set(key, value),
  }
}

const unavailable: SectionStorage = {
  getItem: () => {
    throw new Error('SecurityError')
  },
  setItem: () => {
    throw new Error('QuotaExceededError')
  },
}

describe('section memory', () => {
  it('starts on the default until the user chose, then on their choice', () => {
    const storage = memoryStorage()
    expect(rememberedOpen('signature-panel', true, () => storage)).toBe(true)
    rememberOpen('signature-panel', false, () => storage)
    expect(rememberedOpen('signature-panel', true, () => storage)).toBe(false)
    rememberOpen('signature-panel', true, () => storage)
    expect(rememberedOpen('signature-panel', false, () => storage)).toBe(true)
  })

  it('remembers each section apart', () => {
    const storage = memoryStorage()
    rememberOpen('signature-panel', false, () => storage)
    expect(rememberedOpen('detail-headers', true, () => storage)).toBe(true)
  })

  it('falls back to the default when storage is unavailable or holds something else', () => {
    expect(rememberedOpen('signature-panel', true, () => unavailable)).toBe(true)
    const throwsOnAccess = (): SectionStorage => {
      throw new Error('SecurityError: access denied')
    }
    expect(rememberedOpen('signature-panel', true, throwsOnAccess)).toBe(true)
    expect(() => rememberOpen('signature-panel', false, () => unavailable)).not.toThrow()
    const storage = memoryStorage()
    storage.setItem('callback-inspector.detail-section-open.summary-panel', 'yes')
    expect(rememberedOpen('summary-panel', false, () => storage)).toBe(false)
  })
})
