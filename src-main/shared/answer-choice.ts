/** Words for why the receiver chose an answer: the detail view shows them, exports write them beside the choice. */
import type { AnswerChoice } from './views'
import { PROVIDER_NAMES } from './provider-catalog'

/** A provider id's display name; an id this version does not know (e.g. from an import) as it is. */
function providerDisplayName(id: string): string {
  return (PROVIDER_NAMES as Record<string, string>)[id] ?? id
}

/** e.g. "Rule: IXOPAY OK", "Sequence step 2 of 3", "Imported". */
export function describeAnswerChoice(choice: AnswerChoice): string {
  switch (choice.kind) {
    case 'rule':
      return `Rule: ${choice.ruleName}`
    case 'sequence':
      return `Sequence step ${choice.step} of ${choice.of}`
    case 'failure-rate':
      return `Failure rate (${choice.percent}%)`
    case 'default':
      return 'Endpoint default answer'
    case 'provider-default':
      return choice.provider ? `Provider default (${providerDisplayName(choice.provider)})` : 'Default answer (no provider recognised)'
    case 'refusal':
      return 'Refused: body over the size limit'
    case 'forward':
      return `Forwarded target's answer (${choice.targetUrl})`
    case 'imported':
      // Not "from a file": a pasted body or curl command is imported too.
      return 'Imported'
    default: {
      const unknownChoice: never = choice
      return String(unknownChoice)
    }
  }
}
