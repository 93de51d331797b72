/**
 * Storage settings: how captures reach the disk (durability) and how long they are kept
 * (retention). Validated by the contract on input and by the settings file's schema on read.
 */
import { z } from 'zod'

/** `sync`: answered once on stable storage (survives a power loss); `flush`: once in the OS cache (survives a crash of the app). */
export const DURABILITY_MODES = ['sync', 'flush'] as const
export type DurabilityMode = (typeof DURABILITY_MODES)[number]

/**
 * The most each retention cap takes. The one home of these limits: the contract and the settings
 * file check them here, and the Storage dialog checks what is typed against them (in MiB for bytes).
 */
export const RETENTION_LIMIT_MAX = { maxCaptures: 100_000_000, maxBytes: Number.MAX_SAFE_INTEGER, maxAgeDays: 36_500 } as const

const limit = (what: keyof typeof RETENTION_LIMIT_MAX) =>
  z
    .number({ error: `${what} must be a number` })
    .int(`${what} must be a whole number`)
    .min(1, `${what} must be at least 1`)
    .max(RETENTION_LIMIT_MAX[what], `${what} is at most ${RETENTION_LIMIT_MAX[what]}`)
    .nullable()
    .optional()

/** Caps; `null` or absent means no cap. */
export const retentionLimitsSchema = z
  .object({
    maxCaptures: limit('maxCaptures'),
    maxBytes: limit('maxBytes'),
    maxAgeDays: limit('maxAgeDays'),
  })
  .strict()

/**
 * At most this many per-endpoint caps in one policy: far above any real number of endpoints (each
 * cap must name an endpoint that exists). Checked when the policy is set, not when the settings
 * file is read, so a file saved before the limit still opens.
 */
export const MAX_RETENTION_ENDPOINT_CAPS = 10_000

export const retentionPolicySchema = retentionLimitsSchema
  .extend({ perEndpoint: z.record(z.string().min(1).max(100), retentionLimitsSchema).optional() })
  .strict()

export type RetentionLimitsSetting = z.infer<typeof retentionLimitsSchema>
export type RetentionPolicySetting = z.infer<typeof retentionPolicySchema>

/** What `getStorageSettings` returns. */
export interface StorageSettingsView {
  durability: DurabilityMode
  /** Set by `--durability` for this run (a change here still applies and is saved). */
  durabilityFromFlag: DurabilityMode | null
  retention: RetentionPolicySetting
  health: {
    captures: number
    segments: number
    /**
     * The capture logs' size (their length; deleted captures' zeroed bytes count until their
     * segment is removed). Not what retention's `maxBytes` counts: the captures kept, with their search text.
     */
    logBytes: number
    /**
     * The disk space the capture logs take, less than `logBytes` once deleted captures' space was
     * given back as holes (`null` where the system does not say, as on Windows).
     */
    logDiskBytes: number | null
    /** Bytes this user may still write on the data folder's disk (`null` where the system does not say). */
    diskFreeBytes: number | null
    /** Captures found damaged since start (missing bytes, hash mismatch). */
    damaged: number
    /** Why the last background retention run failed, if it did. */
    lastRetentionError: string | null
  }
}
