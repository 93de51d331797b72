import { describe, expect, it } from 'vitest'
import { readFileSync } from 'node:fs'
import { allowPermission, planKeySealing, rendererUrlFor, showDevToolsInMenu, windowOpenAction } from './shell-policy'

describe('Electron shell policy', () => {
  it("reports Linux safeStorage's basic_text backend as file-permissions protection", () => {
    expect(planKeySealing({ encryptionAvailable: true, linuxBackend: 'basic_text' })).toMatchObject({
      useSafeStorage: true,
      protection: 'file-permissions',
      warning: expect.stringContaining('basic_text'),
    })
    expect(planKeySealing({ encryptionAvailable: true, linuxBackend: 'gnome_libsecret' })).toEqual({
      useSafeStorage: true,
      protection: 'safe-storage',
      warning: null,
    })
    expect(planKeySealing({ encryptionAvailable: true, linuxBackend: null })).toMatchObject({ protection: 'safe-storage' })
    expect(planKeySealing({ encryptionAvailable: false, linuxBackend: null })).toMatchObject({ useSafeStorage: false, protection: 'file-permissions' })
  })

  it('honours ELECTRON_RENDERER_URL only in an unpackaged app', () => {
    const builtFileUrl = 'file:///app/out/renderer/index.html'
    expect(rendererUrlFor({ packaged: true, devServerUrl: 'https://evil.example/', builtFileUrl })).toBe(builtFileUrl)
    expect(rendererUrlFor({ packaged: false, devServerUrl: 'http://localhost:5173/', builtFileUrl })).toBe('http://localhost:5173/')
    expect(rendererUrlFor({ packaged: false, devServerUrl: undefined, builtFileUrl })).toBe(builtFileUrl)
  })

  it('refuses every permission, and keeps DevTools out of a packaged menu', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'serial', 'hid']) expect(allowPermission(permission)).toBe(false)
    expect(showDevToolsInMenu(true)).toBe(false)
    expect(showDevToolsInMenu(false)).toBe(true)
  })

  it('opens no URL the window asks for, in the app or in the browser', () => {
    for (const url of ['https://docs.example/', 'http://127.0.0.1:4000/', 'file:///etc/passwd', 'javascript:alert(1)', 'mailto:a@b.example'])
      expect(windowOpenAction(url)).toEqual({ action: 'deny' })
    // The window-open handler is this decision and nothing else: no shell.openExternal on the way.
    const windowSecurity = readFileSync(new URL('./window-security.ts', import.meta.url), 'utf8')
    expect(windowSecurity).toContain('setWindowOpenHandler(({ url }) => windowOpenAction(url))')
    expect(windowSecurity).not.toMatch(/openExternal/)
  })
})
