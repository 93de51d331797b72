// ESLint: type-checked TypeScript rules, React hooks rules, and the import boundaries of the
// architecture (which layer may import which). Formatting is Prettier's job, not ESLint's.
import js from '@eslint/js'
import prettier from 'eslint-config-prettier'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'
import tseslint from 'typescript-eslint'

/** `no-restricted-imports` patterns: a layer that imports one of these crosses a boundary. */
const importBoundary = (patterns, paths = [ELECTRON]) => ({ 'no-restricted-imports': ['error', { paths, patterns }] })

const ELECTRON = {
  name: 'electron',
  message: 'only src-main/electron and src-main/preload may import electron (its binary is missing outside the desktop app)',
}

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'resources/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // Every `switch` over a union ends in a case per member or an exhaustiveness check.
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
      // Template literals of numbers and booleans are how messages are written here.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true, allowNullish: false }],
      eqeqeq: ['error', 'always'],
      // Off: an `async` function without `await` is how this code satisfies a Promise-returning
      // contract (procedures, fakes of async interfaces) while a throw still becomes a rejection;
      // dropping `async` to please the rule would turn those rejections into synchronous throws.
      '@typescript-eslint/require-await': 'off',
      // Off: this code checks wire bytes (request lines, header values, binary sniffing), where a
      // control-character range in a regex is the point; they are written as escapes, never raw.
      'no-control-regex': 'off',
      // The lossless JSON parser unwinds its single loop with a plain object on purpose: an Error
      // would capture a stack trace per syntax failure, and it never escapes parseLosslessJson.
      '@typescript-eslint/only-throw-error': ['error', { allow: [{ from: 'file', name: 'SyntaxFailure', path: 'src-main/shared/lossless-json.ts' }] }],
    },
  },
  {
    // Vitest's and Playwright's asymmetric matchers (expect.stringContaining, expect.any, …) are
    // typed `any` by design, so assigning or passing them is flagged on every use. Member access and
    // calls on `any` (an untyped JSON.parse) stay errors in tests too.
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
  {
    // TypeScript checks names itself (and knows the page globals inside Playwright's evaluate).
    files: ['**/*.{ts,tsx,mts}'],
    rules: { 'no-undef': 'off' },
  },
  {
    // Plain scripts and their hand-written declarations are outside every tsconfig.
    files: ['**/*.{js,mjs,cjs}', '**/*.d.mts'],
    ...tseslint.configs.disableTypeChecked,
  },
  {
    // Benchmarks pass functions to Playwright's page.evaluate: those run in the page.
    files: ['bench/**/*.mjs'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['src-renderer/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // A notice for React Compiler users (it skips components using TanStack Virtual); this app
      // does not use the compiler, and the library is correct under plain React.
      'react-hooks/incompatible-library': 'off',
      ...importBoundary([
        {
          group: ['**/src-main/*', '!**/src-main/shared', '**/src-main/!(shared)/**'],
          message: 'the renderer reaches the main side only through src-main/shared',
        },
        { group: ['node:*'], message: 'the renderer runs in a sandboxed browser page: no Node modules' },
      ]),
    },
  },
  {
    files: ['src-main/shared/**/*.ts'],
    ignores: ['src-main/shared/**/*.test.ts'],
    rules: importBoundary([{ regex: '^(?!zod$|\\./).*', message: 'shared is the contract: it imports only zod and its own files' }]),
  },
  {
    files: ['src-main/core/**/*.ts'],
    rules: importBoundary([
      { group: ['**/api/*', '**/headless/*', '**/electron/*', '**/preload/*'], message: 'the core is called by the API and the shells, never the other way' },
    ]),
  },
  {
    files: ['src-main/api/**/*.ts', 'src-main/headless/**/*.ts'],
    rules: importBoundary([]),
  },
  {
    files: ['src-main/preload/**/*.ts'],
    rules: importBoundary(
      [
        {
          regex: '^(?!electron$|\\.\\./shared/ipc-channels$).*',
          message: 'the sandboxed preload stays one small bundle: electron and the IPC channel names only',
        },
      ],
      [],
    ),
  },
  prettier,
)
