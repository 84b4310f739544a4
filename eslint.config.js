import js from '@eslint/js'
import tseslint from 'typescript-eslint'

export default tseslint.config(
  {ignores: ['dist/', 'node_modules/', '.tmp/']},
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs', '**/*.js'],
    languageOptions: {globals: {URL: 'readonly', process: 'readonly', console: 'readonly'}},
  },
  {
    files: ['**/*.cjs'],
    languageOptions: {sourceType: 'commonjs', globals: {module: 'writable'}},
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_'}],
      'max-len': ['error', {code: 120, ignoreUrls: true}],
    },
  },
  {
    // Engine differences live behind SqlDialect (src/database/dialects), chosen once where the connection opens.
    files: ['src/**/*.ts'],
    ignores: ['src/database/dialects/**', 'src/database/open-database.ts', 'src/database/connection-string.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'BinaryExpression[operator=/^[!=]==?$/] > Literal[value=/^(mssql|postgres)$/]',
          message: 'Ask the dialect (ctx.dialect, src/database/dialects/sql-dialect.ts), not which engine it is.',
        },
      ],
    },
  },
)
