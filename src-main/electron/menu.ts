/** The application menu: standard edit/view/window roles plus a way to the data folder. */
import { Menu, shell, type MenuItemConstructorOptions } from 'electron'
import { showDevToolsInMenu } from './shell-policy'

export function installMenu(dataDir: string, packaged: boolean): void {
  const developerItems: MenuItemConstructorOptions[] = showDevToolsInMenu(packaged) ? [{ role: 'toggleDevTools' }] : []
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open Data Folder', click: () => void shell.openPath(dataDir) },
        { type: 'separator' },
        process.platform === 'darwin' ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...developerItems,
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
  ]
  Menu.setApplicationMenu(Menu.buildFromTemplate(template))
}
