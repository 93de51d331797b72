/**
 * The Electron shell's wiring (main.ts, window-security.ts, menu.ts) run against a stand-in for the
 * `electron` module: Electron's binary cannot start here, and the policy functions' own tests do not
 * show that the shell applies them. This checks what the shell hands Electron: the window's
 * webPreferences (sandboxed, isolated, no Node), the permission, navigation and window-open handlers,
 * the IPC sender check, the packaged app's menu and renderer URL, against the real core (whose
 * receiver takes 4100 for the few seconds the file runs, or a free port when 4100 is taken, as the
 * desktop app does).
 */
import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { INVOKE_CHANNEL } from '../shared/ipc-channels'
import { makeTempDir } from '../test-support/temp-dir'

type Handler = (...args: never[]) => unknown

/** What the shell gave the stand-in Electron, for the tests to read. */
const given = vi.hoisted(() => ({
  windows: [] as Array<{ options: Record<string, unknown>; loadedUrl: string | null }>,
  ipcHandlers: new Map<string, Handler>(),
  permissionRequest: null as Handler | null,
  permissionCheck: null as Handler | null,
  menuTemplate: [] as unknown[],
  openedExternally: [] as string[],
  appListeners: new Map<string, Handler[]>(),
  userData: '',
  quit: null as (() => void) | null,
}))

vi.mock('electron', async () => {
  // Imported here: the factory runs before this file's own imports.
  const { EventEmitter } = await import('node:events')
  const on = (event: string, listener: Handler) => {
    given.appListeners.set(event, [...(given.appListeners.get(event) ?? []), listener])
  }
  class BrowserWindow extends EventEmitter {
    static getAllWindows = () => given.windows
    readonly webContents = { send: () => undefined }
    private readonly record: { options: Record<string, unknown>; loadedUrl: string | null }
    constructor(options: Record<string, unknown>) {
      super()
      this.record = { options, loadedUrl: null }
      given.windows.push(this.record)
    }
    loadURL(url: string) {
      this.record.loadedUrl = url
      return Promise.resolve()
    }
    show() {}
  }
  return {
    app: {
      isPackaged: true,
      on,
      setPath: () => undefined,
      getPath: () => given.userData,
      requestSingleInstanceLock: () => true,
      whenReady: () => new Promise<void>((resolve) => setTimeout(resolve, 50)),
      quit: () => given.quit?.(),
      exit: () => undefined,
    },
    BrowserWindow,
    ipcMain: { handle: (channel: string, handler: Handler) => given.ipcHandlers.set(channel, handler) },
    safeStorage: {
      isEncryptionAvailable: () => false,
      getSelectedStorageBackend: () => 'unknown',
      encryptString: (text: string) => Buffer.from(text),
      decryptString: (sealed: Buffer) => sealed.toString(),
    },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (handler: Handler) => (given.permissionRequest = handler),
        setPermissionCheckHandler: (handler: Handler) => (given.permissionCheck = handler),
      },
    },
    Menu: { buildFromTemplate: (template: unknown[]) => (given.menuTemplate = template), setApplicationMenu: () => undefined },
    shell: { openExternal: (url: string) => given.openedExternally.push(url), openPath: () => Promise.resolve('') },
  }
})

let removeDir: () => Promise<void>

beforeAll(async () => {
  const temp = await makeTempDir('electron-shell-')
  removeDir = temp.remove
  given.userData = temp.dir
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true)
  // electron-vite dev's variable, set to a page that must not load in a packaged app.
  vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example/')
  await import('./main')
  await vi.waitFor(() => expect(given.windows).toHaveLength(1), { timeout: 20_000, interval: 50 })
}, 30_000)

afterAll(async () => {
  // Quit as Electron would: before-quit lets the core finish writing, then quits.
  const quitted = new Promise<void>((resolve) => (given.quit = resolve))
  for (const listener of given.appListeners.get('before-quit') ?? [])
    (listener as (event: { preventDefault(): void }) => void)({ preventDefault: () => undefined })
  await quitted
  vi.restoreAllMocks()
  vi.unstubAllEnvs()
  await removeDir?.()
})

describe('the Electron shell as it sets Electron up', () => {
  it('opens one window, sandboxed and context-isolated, without Node, on the built renderer', () => {
    const [window] = given.windows
    expect(window?.options.webPreferences).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true })
    expect((window?.options.webPreferences as { preload: string }).preload).toMatch(/preload[/\\]index\.cjs$/)
    // Packaged: the built file, whatever ELECTRON_RENDERER_URL says.
    expect(window?.loadedUrl).toMatch(/^file:\/\/.*\/renderer\/index\.html$/)
  })

  it('refuses every permission request and check', () => {
    let granted: boolean | undefined
    ;(given.permissionRequest as unknown as (contents: unknown, permission: string, callback: (allow: boolean) => void) => void)(
      null,
      'media',
      (allow) => (granted = allow),
    )
    expect(granted).toBe(false)
    expect((given.permissionCheck as unknown as (contents: unknown, permission: string) => boolean)(null, 'clipboard-read')).toBe(false)
  })

  it('stops navigation, redirects and webviews, and opens no URL, in the app or the browser', () => {
    const contents = new EventEmitter() as EventEmitter & { setWindowOpenHandler(handler: (details: { url: string }) => unknown): void }
    let openHandler: ((details: { url: string }) => unknown) | undefined
    contents.setWindowOpenHandler = (handler) => (openHandler = handler)
    for (const listener of given.appListeners.get('web-contents-created') ?? []) (listener as (event: unknown, contents: unknown) => void)({}, contents)
    for (const event of ['will-navigate', 'will-redirect', 'will-attach-webview']) {
      const prevent = vi.fn()
      contents.emit(event, { preventDefault: prevent })
      expect(prevent, event).toHaveBeenCalled()
    }
    expect(openHandler?.({ url: 'https://phishing.example/login' })).toEqual({ action: 'deny' })
    expect(given.openedExternally).toEqual([])
  })

  it("answers IPC calls from the app's own top-level frame only", async () => {
    const handle = given.ipcHandlers.get(INVOKE_CHANNEL) as unknown as (event: { senderFrame: unknown }, procedure: unknown, input: unknown) => Promise<unknown>
    const ownUrl = given.windows[0]?.loadedUrl ?? ''
    expect(await handle({ senderFrame: { url: ownUrl, parent: null } }, 'listEndpoints', {})).toMatchObject({ ok: true, value: [{ slug: 'default' }] })
    for (const senderFrame of [{ url: ownUrl, parent: {} }, { url: 'https://evil.example/', parent: null }, null])
      expect(await handle({ senderFrame }, 'listEndpoints', {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } })
  })

  it("keeps DevTools out of a packaged app's menu", () => {
    expect(JSON.stringify(given.menuTemplate)).not.toContain('toggleDevTools')
    expect(JSON.stringify(given.menuTemplate)).toContain('Open Data Folder')
  })
})
