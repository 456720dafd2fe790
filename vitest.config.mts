// One Vitest configuration for the whole workspace, with two projects:
//   unit         *.spec.ts               fast, no external processes
//   integration  *.integration-spec.ts   real PostgreSQL, Apache Kafka broker, anvil
// Nx targets run `vitest run --project <unit|integration> --dir <projectRoot>`.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';

const root = import.meta.dirname;
const base = JSON.parse(readFileSync(resolve(root, 'tsconfig.base.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(base.compilerOptions.paths).map(([find, [target]]) => ({
  find: new RegExp(`^${find.replace(/[/\\^$+?.()|[\]{}]/g, '\\$&').replace('\\*', '(.*)')}$`),
  replacement: resolve(root, target!.replace('*', '$1')),
}));

// SWC keeps decorator metadata, which NestJS dependency injection relies on.
const plugins = [
  swc.vite({
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
  }),
];

export default defineConfig({
  plugins,
  resolve: { alias },
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['**/*.spec.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['**/*.integration-spec.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
          teardownTimeout: 60_000,
        },
      },
    ],
  },
});
