/** Words for why the receiver chose an answer, written into exports beside the choice itself. */
import type { AnswerChoice } from '../../shared/contract'

/** e.g. "Rule: IXOPAY OK", "Sequence step 2 of 3", "Imported from a file". */
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
      return choice.provider ? `Provider default (${choice.provider})` : 'Default answer (no provider recognised)'
    case 'refusal':
      return 'Refused: body over the size limit'
    case 'forward':
      return `Forwarded target's answer (${choice.targetUrl})`
    case 'imported':
      return 'Imported from a file'
    default: {
      const unknownChoice: never = choice
      return String(unknownChoice)
    }
  }
}
