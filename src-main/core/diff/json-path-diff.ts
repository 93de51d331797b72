/**
 * A JSON-aware body diff: the values that differ, by path (`$.amount: "9.99" → "19.99"`).
 *
 * Both bodies are read with the lossless reader (shared/lossless-json.ts), so values compare by
 * their literal text: `10.10` and `10.1` differ, `12345678901234567891` is never rounded, and both
 * values under a repeated key are compared (the n-th with the n-th). Arrays compare by index: an
 * item inserted at the front shows as changes down the array, which the line diff beside it
 * makes readable.
 *
 * The two documents are walked side by side, once, with an explicit stack (deep nesting cannot
 * overflow it): objects are matched member by member, and a path string is only kept for what
 * differs. Matching every value by a full path string instead cost seconds on a 2 MB body.
 */
import {
  childrenOf,
  isContainer,
  isDuplicateKey,
  JsonKind,
  kindName,
  memberKey,
  parseLosslessJson,
  rawText,
  type LosslessJsonDocument,
} from '../../shared/lossless-json'
import type { JsonPathChange } from '../../shared/capture-diff'

/** Values (nodes) read per body at most; bigger documents get the line diff only. */
export const MAX_JSON_DIFF_NODES = 100_000
/** Changes listed at most; `changeCount` still counts them all. */
export const MAX_JSON_PATH_CHANGES = 1_000

/** The changes, or which side could not be read as JSON and why. */
export type JsonPathDiffResult =
  | { ok: true; changes: JsonPathChange[]; changeCount: number; truncated: boolean; unchangedValues: number }
  /** `tooManyValues`: the side may be JSON, but has more than MAX_JSON_DIFF_NODES values. */
  | { ok: false; side: 'left' | 'right'; message: string; tooManyValues: boolean }

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

/** What is left to compare: a pair of values at one path, or a value only one side has. */
interface PairTask {
  kind: 'pair'
  left: number
  right: number
  path: string
  occurrence: number
  duplicate: boolean
}
interface SideTask {
  kind: 'removed' | 'added'
  node: number
  path: string
  occurrence: number
  duplicate: boolean
}
type Task = PairTask | SideTask

function memberPath(parent: string, key: string): string {
  return parent + (IDENTIFIER.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`)
}

function isEmptyOrScalar(document: LosslessJsonDocument, node: number): boolean {
  return !isContainer(document, node) || document.childCount[node] === 0
}

/** The values that differ between two JSON texts, in document order; `ok: false` names the side that is not JSON. */
export function diffJsonPaths(leftText: string, rightText: string): JsonPathDiffResult {
  const leftParsed = parseLosslessJson(leftText, { maxNodes: MAX_JSON_DIFF_NODES })
  if (!leftParsed.ok) return { ok: false, side: 'left', message: leftParsed.error.message, tooManyValues: leftParsed.error.kind === 'too-many-values' }
  const rightParsed = parseLosslessJson(rightText, { maxNodes: MAX_JSON_DIFF_NODES })
  if (!rightParsed.ok) return { ok: false, side: 'right', message: rightParsed.error.message, tooManyValues: rightParsed.error.kind === 'too-many-values' }
  const left = leftParsed.document
  const right = rightParsed.document

  const changes: JsonPathChange[] = []
  let changeCount = 0
  let unchangedValues = 0
  const emit = (change: JsonPathChange): void => {
    changeCount++
    if (changes.length < MAX_JSON_PATH_CHANGES) changes.push(change)
  }

  // Tasks are popped from the end: children are pushed in reverse so the output reads in order.
  const stack: Task[] = [{ kind: 'pair', left: 0, right: 0, path: '$', occurrence: 0, duplicate: false }]
  const pushInOrder = (tasks: Task[]): void => {
    for (let index = tasks.length - 1; index >= 0; index--) stack.push(tasks[index] as Task)
  }
  for (let task = stack.pop(); task !== undefined; task = stack.pop()) {
    if (task.kind !== 'pair') {
      const document = task.kind === 'removed' ? left : right
      if (isEmptyOrScalar(document, task.node)) {
        const raw = rawText(document, task.node)
        emit({
          kind: task.kind,
          path: task.path,
          occurrence: task.occurrence,
          left: task.kind === 'removed' ? raw : null,
          right: task.kind === 'added' ? raw : null,
          duplicateKey: task.duplicate,
        })
        continue
      }
      const side = task.kind
      pushInOrder(childTasks(document, task.node, task).map((child): SideTask => ({ ...child, kind: side })))
      continue
    }
    const leftKind = left.kind[task.left]
    const rightKind = right.kind[task.right]
    const bothObjects = leftKind === JsonKind.object && rightKind === JsonKind.object
    const bothArrays = leftKind === JsonKind.array && rightKind === JsonKind.array
    if (bothObjects && (left.childCount[task.left]! > 0 || right.childCount[task.right]! > 0)) {
      pushInOrder(objectTasks(left, right, task))
      continue
    }
    if (bothArrays && (left.childCount[task.left]! > 0 || right.childCount[task.right]! > 0)) {
      pushInOrder(arrayTasks(left, right, task))
      continue
    }
    if (isEmptyOrScalar(left, task.left) && isEmptyOrScalar(right, task.right)) {
      const before = rawText(left, task.left)
      const after = rawText(right, task.right)
      if (before === after) unchangedValues++
      else emit({ kind: 'changed', path: task.path, occurrence: task.occurrence, left: before, right: after, duplicateKey: task.duplicate })
      continue
    }
    // A value that changed kind (an object became a string…): what went, then what came.
    pushInOrder([
      { kind: 'removed', node: task.left, path: task.path, occurrence: task.occurrence, duplicate: task.duplicate },
      { kind: 'added', node: task.right, path: task.path, occurrence: task.occurrence, duplicate: task.duplicate },
    ])
  }
  return { ok: true, changes, changeCount, truncated: changeCount > changes.length, unchangedValues }
}

/** The children of a container as tasks of one side (kind set by the caller), with their paths. */
function childTasks(
  document: LosslessJsonDocument,
  node: number,
  parent: { path: string; occurrence: number; duplicate: boolean },
): Array<Omit<SideTask, 'kind'>> {
  const isObject = kindName(document, node) === 'object'
  const occurrences = new Map<string, number>()
  return childrenOf(document, node).map((child, index) => {
    if (!isObject) return { node: child, path: `${parent.path}[${index}]`, occurrence: parent.occurrence, duplicate: parent.duplicate }
    const key = memberKey(document, child) as string
    const occurrence = occurrences.get(key) ?? 0
    occurrences.set(key, occurrence + 1)
    return {
      node: child,
      path: memberPath(parent.path, key),
      occurrence: occurrence || parent.occurrence,
      duplicate: parent.duplicate || isDuplicateKey(document, child),
    }
  })
}

/**
 * Members matched by key and occurrence. Left members keep their order; a member only the right
 * has goes just before the next member both share (in the right's order), or at the end.
 */
function objectTasks(left: LosslessJsonDocument, right: LosslessJsonDocument, parent: PairTask): Task[] {
  const rightMembers = childrenOf(right, parent.right)
  const rightByKey = new Map<string, number[]>()
  for (const [index, member] of rightMembers.entries()) {
    const key = memberKey(right, member) as string
    const list = rightByKey.get(key)
    if (list) list.push(index)
    else rightByKey.set(key, [index])
  }
  const matchedRight = new Set<number>()
  const tasks: Task[] = []
  let nextRight = 0
  const addRightOnly = (upTo: number): void => {
    for (; nextRight < upTo; nextRight++) {
      if (matchedRight.has(nextRight)) continue
      const member = rightMembers[nextRight] as number
      const key = memberKey(right, member) as string
      const occurrence = (rightByKey.get(key) ?? []).indexOf(nextRight)
      tasks.push({
        kind: 'added',
        node: member,
        path: memberPath(parent.path, key),
        occurrence: occurrence || parent.occurrence,
        duplicate: parent.duplicate || isDuplicateKey(right, member),
      })
    }
  }
  const occurrences = new Map<string, number>()
  for (const member of childrenOf(left, parent.left)) {
    const key = memberKey(left, member) as string
    const occurrence = occurrences.get(key) ?? 0
    occurrences.set(key, occurrence + 1)
    const path = memberPath(parent.path, key)
    // Below a repeated key, a value's occurrence is its ancestor's: the second `a`'s `x` is `$.a.x` (#2).
    const shownOccurrence = occurrence || parent.occurrence
    const rightIndex = rightByKey.get(key)?.[occurrence]
    const duplicate = parent.duplicate || isDuplicateKey(left, member)
    if (rightIndex === undefined) {
      tasks.push({ kind: 'removed', node: member, path, occurrence: shownOccurrence, duplicate })
      continue
    }
    matchedRight.add(rightIndex)
    addRightOnly(rightIndex)
    tasks.push({
      kind: 'pair',
      left: member,
      right: rightMembers[rightIndex] as number,
      path,
      occurrence: shownOccurrence,
      duplicate: duplicate || isDuplicateKey(right, rightMembers[rightIndex] as number),
    })
  }
  addRightOnly(rightMembers.length)
  return tasks
}

/** Items matched by index; the longer side's extra items are added or removed. */
function arrayTasks(left: LosslessJsonDocument, right: LosslessJsonDocument, parent: PairTask): Task[] {
  const leftItems = childrenOf(left, parent.left)
  const rightItems = childrenOf(right, parent.right)
  const tasks: Task[] = []
  const { duplicate, occurrence } = parent
  for (let index = 0; index < Math.max(leftItems.length, rightItems.length); index++) {
    const path = `${parent.path}[${index}]`
    const a = leftItems[index]
    const b = rightItems[index]
    if (a !== undefined && b !== undefined) tasks.push({ kind: 'pair', left: a, right: b, path, occurrence, duplicate })
    else if (a !== undefined) tasks.push({ kind: 'removed', node: a, path, occurrence, duplicate })
    else if (b !== undefined) tasks.push({ kind: 'added', node: b, path, occurrence, duplicate })
  }
  return tasks
}
