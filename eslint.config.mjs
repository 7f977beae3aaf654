// typescript-eslint with type-aware rules over the TypeScript sources (core, extension, tests). Prettier owns
// the layout (npm run lint checks it separately), so no stylistic rules here.
import eslint from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'out/**',
      'dist/**',
      'node_modules/**',
      'core/schema/generated/**',
      'media/**',
      'bench/**',
      'scripts/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/*.js',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      // Two programs: the core and its tests, and the extension with its in-host tests (test/vscode/suite).
      parserOptions: {
        project: ['./tsconfig.json', './extension/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // The code marks indexed reads it knows to be present with `!` (as under noUncheckedIndexedAccess): the
      // rule would strip those marks because tsconfig does not set that option yet.
      '@typescript-eslint/no-unnecessary-type-assertion': 'off',
      // Leaving properties out of a copy by destructuring them beside a rest (`{ epoch, stream: _stream, ...rest }`)
      // names them without using them; tsc's noUnusedLocals accepts that idiom too.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
);
