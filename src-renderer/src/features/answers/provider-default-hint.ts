/**
 * The hint beside "Provider default": what that answer sends on this endpoint. Once the endpoint's
 * providers are known it names them and what each expects (the provider default answers exactly
 * that); before, it lists the common cases.
 */
import type { AnswerWarningProvider } from '@shared/answer-warnings'

export const GENERIC_PROVIDER_DEFAULT_HINT = 'IXOPAY: 200 OK; Adyen classic: [accepted]; others 2xx; unknown senders: 200'

export function describeProviderDefault(providers: AnswerWarningProvider[]): string {
  const known = providers.filter((provider) => provider.expects !== null)
  if (known.length === 0) return GENERIC_PROVIDER_DEFAULT_HINT
  const names = new Set<string>()
  const each = known.flatMap((provider) => {
    if (names.has(provider.name)) return []
    names.add(provider.name)
    return [`${provider.name}: ${provider.expects ?? ''}`]
  })
  return `as each provider expects, here ${each.join('; ')}; unknown senders: 200`
}
