/**
 * How signing keys are protected at rest. The desktop shell seals them with Electron's
 * `safeStorage` (the OS keychain); headless mode has no keychain, so it keeps them in a folder
 * and file only the user can read (0700 / 0600), and says so in the README.
 */
export interface SecretSealer {
  readonly method: 'safe-storage' | 'file-permissions'
  /**
   * What the protection amounts to, when less than `method` suggests: Linux safeStorage with its
   * `basic_text` backend seals with a fixed password, so only the file's permissions protect.
   */
  readonly protection?: 'safe-storage' | 'file-permissions'
  seal(plain: string): string
  unseal(sealed: string): string
}

/** Headless: the file's permissions are the protection; the text is stored as is. */
export const filePermissionSealer: SecretSealer = {
  method: 'file-permissions',
  seal: (plain) => plain,
  unseal: (sealed) => sealed,
}
