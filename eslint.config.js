import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  { ignores: ['node_modules/', '.tap/', 'dist/', 'coverage/', 'scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    files: ['src/ncco/**', 'src/webhooks/**', 'src/dsl/**', 'src/runtime/**', 'src/testing/**', 'src/errors.ts', 'src/exports/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['fastify', 'fastify/*', '@fastify/*', '!@fastify/error', 'fastify-plugin'], message: 'Only src/server/ imports fastify (DESIGN.md §1).' }] }],
    },
  },
  {
    // The dashboard's browser modules (served as they are, no build step).
    files: ['src/admin/ui/**/*.js'],
    languageOptions: {
      globals: Object.fromEntries(['window', 'document', 'location', 'fetch', 'EventSource', 'URLSearchParams', 'speechSynthesis', 'SpeechSynthesisUtterance', 'setInterval', 'clearInterval'].map((name) => [name, 'readonly'])),
    },
  },
)
