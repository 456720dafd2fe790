import { resolve } from 'node:path';
import { createProjectGraphAsync } from '@nx/devkit';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(__dirname, '../../..');
const fixtures = resolve(__dirname, '../projects');

describe('module boundaries are enforced', () => {
  let results: Map<string, ESLint.LintResult>;

  beforeAll(async () => {
    // The boundary rule reads Nx's cached project graph; refresh it so the
    // fixtures' current imports are what the rule sees.
    process.env['NX_DAEMON'] = 'false';
    await createProjectGraphAsync({ exitOnError: false, resetDaemonClient: false });
    const eslint = new ESLint({ cwd: root, ignore: false });
    const list = await eslint.lintFiles([`${fixtures}/**/*.fixture.ts`]);
    results = new Map(list.map((r) => [r.filePath.slice(fixtures.length + 1), r]));
  }, 120_000);

  const rulesHit = (file: string): string[] => {
    const r = results.get(file);
    if (!r) throw new Error(`fixture ${file} was not linted`);
    return r.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
  };

  it.each([
    ['gateway-app/src/allowed.fixture.ts'],
    ['shared-feature/src/allowed.fixture.ts'],
  ])('%s: allowed imports pass', (file) => {
    expect(rulesHit(file)).toEqual([]);
  });

  it.each([
    // A service never imports another service.
    ['gateway-app/src/imports-other-service.fixture.ts', /enforce-module-boundaries.*scope:gateway/s],
    // Shared code never depends on a service.
    ['shared-util/src/imports-service.fixture.ts', /enforce-module-boundaries.*scope:shared/s],
    // Layering: data may not depend on feature.
    ['shared-data/src/imports-feature.fixture.ts', /enforce-module-boundaries.*type:data/s],
    // No relative imports across projects.
    ['gateway-app/src/relative-across-projects.fixture.ts', /enforce-module-boundaries.*[Rr]elative/s],
    // Test infrastructure stays out of production code.
    ['gateway-app/src/imports-test-harness.fixture.ts', /no-restricted-imports.*test infrastructure/s],
  ])('%s: forbidden import fails', (file, expected) => {
    const hits = rulesHit(file);
    expect(hits.some((h) => expected.test(h)), hits.join('\n')).toBe(true);
  });
});
