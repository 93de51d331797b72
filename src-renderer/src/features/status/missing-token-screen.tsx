interface MissingTokenScreenProps {
  /** The token was there but the app rejected it (it restarted with a new one). */
  isRejected: boolean
}

export function MissingTokenScreen({ isRejected }: MissingTokenScreenProps) {
  return (
    <main className="gate" data-testid="missing-token">
      <div className="gate-card">
        <h1>Callback Inspector</h1>
        {isRejected ? (
          <p>This page&apos;s access token is no longer valid; Callback Inspector was probably restarted. Each run prints a new address.</p>
        ) : (
          <p>This page needs the access token that Callback Inspector prints when it starts.</p>
        )}
        <p>
          Open the UI address printed by <code className="wire">npm run serve</code> (it ends in <code className="wire">#token=…</code>), for example:
        </p>
        <pre className="wire-text">{'Open the UI:      http://127.0.0.1:<port>/#token=<token>'}</pre>
      </div>
    </main>
  )
}
