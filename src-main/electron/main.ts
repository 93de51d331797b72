/**
 * The Electron shell: starts the plain-Node inspector core, opens one sandboxed window and
 * connects the renderer to the core over IPC. Everything else lives in `core/`.
 */
import { join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { app, BrowserWindow, ipcMain, safeStorage } from 'electron'
import { createDispatch } from '../api/dispatch'
import { startInspector, type Inspector } from '../core/inspector'
import type { SecretSealer } from '../core/keys/secret-sealer'
import { subscribeInBatches } from '../core/event-bus'
import { createAppLogger, createStderrLogger, type Logger } from '../core/logger'
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc-channels'
import { APP_VERSION } from '../shared/version'
import { installMenu } from './menu'
import { planKeySealing, rendererUrlFor } from './shell-policy'
import { createInvokeHandler } from './invoke-handler'
import { lockDownWebContents } from './window-security'
import { errorMessage } from '../shared/errors'

/** The desktop app prefers a stable receiver port, so provider settings keep working across runs. */
const PREFERRED_RECEIVER_PORT = 4100
const here = fileURLToPath(new URL('.', import.meta.url))
const rendererUrl = rendererUrlFor({
  packaged: app.isPackaged,
  devServerUrl: process.env.ELECTRON_RENDERER_URL,
  builtFileUrl: pathToFileURL(join(here, '../renderer/index.html')).href,
})
/** stderr until the data folder is known; then stderr and the log file there (`start`). */
let logger: Logger = createStderrLogger()

let inspector: Inspector | undefined
let mainWindow: BrowserWindow | undefined

// Tests (and users who want a separate profile) can move the whole profile elsewhere.
if (process.env.CALLBACK_INSPECTOR_USER_DATA) app.setPath('userData', process.env.CALLBACK_INSPECTOR_USER_DATA)

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  lockDownWebContents()
  app.whenReady().then(start).catch(fail)
}

async function start(): Promise<void> {
  const dataDir = join(app.getPath('userData'), 'data')
  logger = createAppLogger(dataDir)
  const config = { dataDir, version: APP_VERSION }
  const deps = { logger, sealer: keychainSealer() }
  try {
    inspector = await startInspector({ ...config, receiverPort: PREFERRED_RECEIVER_PORT }, deps)
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    logger.warn(`port ${PREFERRED_RECEIVER_PORT} is in use; the receiver takes a free port instead`)
    inspector = await startInspector({ ...config, receiverPort: 0 }, deps)
  }
  // What a call does is in invoke-handler.ts (plain Node, tested there); this only connects it.
  const handleInvoke = createInvokeHandler(createDispatch(inspector.procedures, logger), rendererUrl)
  ipcMain.handle(INVOKE_CHANNEL, (event, procedure: unknown, input: unknown) => handleInvoke(event.senderFrame, procedure, input))
  // One IPC message per batch of events (an array), not per event: see subscribeInBatches.
  subscribeInBatches(inspector.events, (events) => mainWindow?.webContents.send(EVENT_CHANNEL, events))
  installMenu(dataDir, app.isPackaged)
  createWindow()
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow()
  })
}

/** Signing keys sealed with the OS keychain where Electron can reach one (see planKeySealing). */
function keychainSealer(): SecretSealer | undefined {
  const encryptionAvailable = safeStorage.isEncryptionAvailable()
  // The backend is only reported on Linux (and only meaningful once encryption is available).
  const linuxBackend = process.platform === 'linux' && encryptionAvailable ? safeStorage.getSelectedStorageBackend() : null
  const plan = planKeySealing({ encryptionAvailable, linuxBackend })
  if (plan.warning !== null) logger.warn(plan.warning)
  if (!plan.useSafeStorage) return undefined
  return {
    method: 'safe-storage',
    protection: plan.protection,
    seal: (plain) => safeStorage.encryptString(plain).toString('base64'),
    unseal: (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
  }
}

function createWindow(): void {
  mainWindow = new BrowserWindow({
    width: 1400,
    height: 900,
    title: 'Callback Inspector',
    show: false,
    webPreferences: {
      preload: join(here, '../preload/index.cjs'),
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  })
  mainWindow.once('ready-to-show', () => mainWindow?.show())
  mainWindow.on('closed', () => (mainWindow = undefined))
  void mainWindow.loadURL(rendererUrl)
}

function fail(error: unknown): void {
  logger.error('Callback Inspector could not start', { error: errorMessage(error) })
  app.exit(1)
}

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})

let quitting = false
app.on('before-quit', (event) => {
  if (quitting || !inspector) return
  // Let pending captures finish writing before the process goes.
  event.preventDefault()
  quitting = true
  void inspector.stop().finally(() => app.quit())
})
