/** Answer configurations the retry tests share. */
import type { EndpointAnswerConfigInput } from '../shared/answer-config-schemas'

/** "500 twice, then 200 OK", counted per delivery: a provider's retries until one is accepted. */
export const FAIL_TWICE_THEN_OK = {
  defaultAnswer: 'provider-default',
  rules: [],
  sequence: {
    enabled: true,
    afterLast: 'repeat-last',
    steps: [
      { kind: 'respond', status: 500 },
      { kind: 'respond', status: 500 },
      { kind: 'respond', status: 200, body: { text: 'OK' } },
    ],
  },
  failureRate: null,
} satisfies EndpointAnswerConfigInput
