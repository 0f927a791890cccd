// Lint: typescript-eslint's recommended rules (type-aware for the server code) and stylistic rules the tree
// already meets. `npm run lint` checks, `npm run format` fixes what can be fixed.
import js from '@eslint/js';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

/** A `.catch(() => {})` (or one returning null/undefined/0) with no comment on its line swallows an error unseen. */
const silentCatch = {
  meta: { type: 'problem', messages: { silent: 'An empty .catch() hides the error: log it, or say on this line why it is safe.' } },
  create(context) {
    const source = context.sourceCode;
    return {
      CallExpression(node) {
        if (node.callee.type !== 'MemberExpression' || node.callee.property.name !== 'catch') return;
        const fn = node.arguments[0];
        if (!fn || (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') || fn.params.length > 0) return;
        const body = fn.body;
        const empty = body.type === 'BlockStatement' ? body.body.length === 0 : body.type === 'Literal' || (body.type === 'Identifier' && body.name === 'undefined');
        if (!empty) return;
        const line = node.loc.end.line;
        const explained = source.getAllComments().some((c) => c.loc.start.line === line || c.loc.end.line === line - 1);
        if (!explained) context.report({ node: fn, messageId: 'silent' });
      },
    };
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'relay/web/dist/**', '**/*.js', '**/*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    plugins: { '@stylistic': stylistic, local: { rules: { 'no-silent-catch': silentCatch } } },
    rules: {
      // Type-aware: an unawaited promise loses its error.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      // Off: 36 sites, mostly the untyped SDK call and test doubles; the typed-operations work removes them.
      '@typescript-eslint/no-explicit-any': 'off',
      // Off: the two regexes match control characters on purpose (search separators, file-name cleaning).
      'no-control-regex': 'off',
      // The current style, checked (not reformatted).
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['error', 'always'],
      '@stylistic/indent': ['error', 2, { SwitchCase: 1, ignoredNodes: ['TemplateLiteral *', 'ConditionalExpression *'], offsetTernaryExpressions: true }],
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/eol-last': 'error',
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      // Off for now: four places put `else` on its own line, in files being split in parallel; turn on after.
      '@stylistic/brace-style': 'off',
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 2 }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Server code: every error is logged or explained (the web client and tests are outside this rule for now).
    files: ['core/**/*.ts', 'central/**/*.ts', 'shared/**/*.ts', 'relay/**/*.ts', 'scripts/*.ts'],
    ignores: ['relay/web/**'],
    rules: { 'local/no-silent-catch': 'error' },
  },
  {
    // tap's subtests return promises that tap itself awaits; the web client's handlers start promises whose outcome
    // the screen shows (an error text, a pending bubble) rather than awaiting them.
    files: ['test/**/*.ts', 'relay/web/**/*.ts', 'relay/web/**/*.tsx'],
    rules: { '@typescript-eslint/no-floating-promises': 'off' },
  },
);
