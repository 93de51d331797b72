/** Shown in the UI and returned by `getStatus`; keep in step with package.json. */
export const APP_VERSION = '0.1.0'
