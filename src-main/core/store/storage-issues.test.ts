import { describe, expect, it } from 'vitest'
import { StorageIssues } from './storage-issues'

const issue = (file: string) => ({ file, problem: 'is not valid JSON', movedTo: `${file}.moved`, at: '2026-11-21T10:00:00.000Z' })

describe('storage issues', () => {
  it('keeps the issues in the order found, skipping openers that found none', () => {
    const issues = new StorageIssues()
    issues.add(issue('inspector.json'))
    issues.add(null)
    issues.add(undefined)
    issues.add(issue('keys.json'))
    expect(issues.snapshot().map((found) => found.file)).toEqual(['inspector.json', 'keys.json'])
  })

  it('hands out copies: a caller changing one, or an issue found later, leaves the other untouched', () => {
    const issues = new StorageIssues()
    issues.add(issue('inspector.json'))
    const handedOut = issues.snapshot()
    handedOut.pop()
    issues.snapshot()[0]!.problem = 'changed by a caller'
    expect(issues.snapshot()).toEqual([issue('inspector.json')])
    issues.add(issue('replays/1.json'))
    expect(handedOut).toEqual([])
    expect(issues.snapshot()).toHaveLength(2)
  })
})
