// Keel lint policy. Module boundaries run on two tag axes:
//   scope:<service>|scope:shared|scope:infra  — who may import whom
//   type:app|feature|data|util|testing|runner — layering inside and across scopes
// The constraints below are real: see infra/lint-fixtures for the proof that a
// forbidden import fails.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

const services = [
  'gateway',
  'request-controls',
  'execution-engine',
  'compliance-simulator',
  'transaction-signer',
  'key-guardian',
  'chain-gateway',
  'indexer',
  'issuance',
  'airdrop',
  'daio',
  'treasury',
  'xvp',
];

export const depConstraints = [
  // Scope axis: shared code depends only on shared code; a service's own code
  // depends on itself and shared code (a service never imports another service);
  // only the infra runner composes services.
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...services.map((s) => ({
    sourceTag: `scope:${s}`,
    onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'],
  })),
  { sourceTag: 'scope:infra', onlyDependOnLibsWithTags: ['*'] },
  // Type axis: apps sit on features, features on data, data on utils.
  {
    sourceTag: 'type:runner',
    onlyDependOnLibsWithTags: [
      'type:app',
      'type:feature',
      'type:data',
      'type:util',
      'type:testing',
    ],
  },
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util', 'type:testing'],
  },
  {
    sourceTag: 'type:feature',
    onlyDependOnLibsWithTags: ['type:feature', 'type:data', 'type:util', 'type:testing'],
  },
  { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:data', 'type:util', 'type:testing'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:testing'] },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:data'] },
];

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      '**/.nx/**',
      'contracts/out/**',
      'contracts/cache/**',
      'libs/abi/src/generated/**',
      // Boundary fixtures contain forbidden imports on purpose; their spec lints them.
      'infra/lint-fixtures/projects/**',
      '**/*.mjs',
      '**/*.cjs',
      '**/vitest.config.mts',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        projectService: true,
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': [
        'error',
        { considerDefaultExhaustiveForUnions: false, requireDefaultForNonUnion: false },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // Interface implementations are often async without awaiting.
      '@typescript-eslint/require-await': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false },
      ],
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['kafkajs'], message: 'Use @keel/bus; only the bus driver imports kafkajs.' },
          ],
        },
      ],
    },
  },
  {
    // Only the embedded runner composes services: it may import their bootstraps
    // (apps, otherwise never importable), through the @keel/service-* aliases.
    files: ['services/platform/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allowCircularSelfDependency: false,
          banTransitiveDependencies: false,
          checkDynamicDependenciesExceptions: [],
          allow: ['@keel/service-*'],
          depConstraints,
        },
      ],
    },
  },
  {
    // Test infrastructure is for tests only.
    files: ['**/*.ts'],
    ignores: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      'libs/testing/**',
      'bench/**',
      '**/test-support/**',
    ],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@keel/testing',
              message:
                '@keel/testing is test infrastructure; import it only from *.spec.ts / *.integration-spec.ts.',
            },
          ],
          patterns: [
            { group: ['kafkajs'], message: 'Use @keel/bus; only the bus driver imports kafkajs.' },
          ],
        },
      ],
    },
  },
  {
    // The Kafka driver and the test harness are the only places that speak kafkajs.
    files: [
      'libs/bus/src/kafka/**/*.ts',
      'libs/testing/**/*.ts',
      'bench/**/*.ts',
      '**/*.integration-spec.ts',
    ],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    files: ['**/*.spec.ts', '**/*.integration-spec.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/unbound-method': 'off',
    },
  },
  prettier,
);
