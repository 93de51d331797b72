/** One sentence saying what the answer warnings were checked against, so no warning (or none) is taken for more than it is. */
import type { AnswerWarningProvider, AnswerWarningsView } from '@shared/answer-warnings'

export function describeWarningsBasis(view: AnswerWarningsView): string {
  if (view.providerSource === 'none') {
    return 'No provider recognised on this endpoint yet, so these answers are not checked against one: send a callback, or pin the provider under “Keys & provider”.'
  }
  const providers = uniqueByName(view.providers)
  const checked = joinNames(providers.map(describeProvider))
  const source =
    view.providerSource === 'pinned'
      ? 'the provider pinned under “Keys & provider”'
      : `the ${providers.length === 1 ? 'provider' : 'providers'} of this endpoint’s recent callbacks`
  const lead = view.warnings.length === 0 ? 'Every answer here counts as success for' : 'Checked against'
  return `${lead} ${checked}, ${source}.`
}

function describeProvider(provider: AnswerWarningProvider): string {
  return provider.expects === null ? provider.name : `${provider.name} (expects ${provider.expects})`
}

/** IXOPAY's JSON and XML callbacks (two variants) are one provider to the reader. */
function uniqueByName(providers: AnswerWarningProvider[]): AnswerWarningProvider[] {
  const seen = new Set<string>()
  return providers.filter((provider) => {
    const key = `${provider.name}\u0000${provider.expects ?? ''}`
    if (seen.has(key)) return false
    seen.add(key)
    return true
  })
}

function joinNames(names: string[]): string {
  return names.length <= 1 ? (names[0] ?? '') : `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`
}
