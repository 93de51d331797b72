/**
 * Security rules for every web contents the app creates: the renderer shows hostile callback
 * bodies, so it must not be able to navigate, open windows, attach webviews or get permissions.
 */
import { app, session, type WebContents } from 'electron'
import { allowPermission, windowOpenAction } from './shell-policy'

export function lockDownWebContents(): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(allowPermission(permission)))
  // Checks too (synchronous queries such as navigator.permissions or clipboard reads), not only requests.
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => allowPermission(permission))
  app.on('web-contents-created', (_event, contents: WebContents) => {
    contents.on('will-navigate', (event) => event.preventDefault())
    contents.on('will-redirect', (event) => event.preventDefault())
    contents.on('will-attach-webview', (event) => event.preventDefault())
    contents.setWindowOpenHandler(({ url }) => windowOpenAction(url))
  })
}
