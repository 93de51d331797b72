/**
 * Decisions of the Electron shell, as plain functions (no `electron` import) so they can be tested
 * without an Electron binary: main.ts and menu.ts feed them what Electron reports.
 */

export type KeyProtection = 'safe-storage' | 'file-permissions'

export interface SafeStorageFacts {
  /** `safeStorage.isEncryptionAvailable()`. */
  encryptionAvailable: boolean
  /** `safeStorage.getSelectedStorageBackend()` on Linux; `null` elsewhere. */
  linuxBackend: string | null
}

export interface KeySealingPlan {
  /** Seal keys with safeStorage at all (so keys sealed before stay readable). */
  useSafeStorage: boolean
  /** What the protection amounts to, as the UI and API report it. */
  protection: KeyProtection
  /** One log line when the keychain does not really protect the keys. */
  warning: string | null
}

/**
 * How signing keys are protected on this machine. On Linux without a secret service, Electron's
 * safeStorage falls back to its `basic_text` backend: "encryption" with a hard-coded password,
 * while `isEncryptionAvailable()` still says true. Keys are still sealed with it (nothing becomes
 * unreadable, and it is no weaker than plain text), but what protects them is the file's 0600 mode,
 * and that is what is reported, as in headless mode.
 */
export function planKeySealing(facts: SafeStorageFacts): KeySealingPlan {
  if (!facts.encryptionAvailable) {
    return {
      useSafeStorage: false,
      protection: 'file-permissions',
      warning: 'the OS keychain is unavailable; signing keys are protected by file permissions only',
    }
  }
  if (facts.linuxBackend === 'basic_text') {
    return {
      useSafeStorage: true,
      protection: 'file-permissions',
      warning:
        "no OS keyring was found (Electron's safeStorage uses its basic_text backend, a fixed password); signing keys are protected by file permissions only",
    }
  }
  return { useSafeStorage: true, protection: 'safe-storage', warning: null }
}

/**
 * The URL the window loads. `ELECTRON_RENDERER_URL` is the dev server of `electron-vite dev`; a
 * packaged app ignores it, or anyone able to set the environment could load any page into the
 * window, and it would pass the IPC sender check as "the app".
 */
export function rendererUrlFor(options: { packaged: boolean; devServerUrl: string | undefined; builtFileUrl: string }): string {
  return !options.packaged && options.devServerUrl !== undefined && options.devServerUrl !== '' ? options.devServerUrl : options.builtFileUrl
}

/** Permission requests and checks alike are refused: the renderer shows hostile content and needs none. */
export function allowPermission(_permission: string): boolean {
  return false
}

/**
 * What happens when the window asks to open a URL (`window.open`, a link with a target): nothing,
 * whatever the URL. The renderer links nowhere; passing such URLs to `shell.openExternal`, as the
 * shell once did for any https URL, would let script that a hostile callback body got to run
 * point the user's browser at any page, or carry data out in a URL.
 */
export function windowOpenAction(_url: string): { action: 'deny' } {
  return { action: 'deny' }
}

/** DevTools are a development aid: not in a packaged app's menu. */
export function showDevToolsInMenu(packaged: boolean): boolean {
  return !packaged
}
