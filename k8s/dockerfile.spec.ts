// The Dockerfile is not built in CI (no container engine there): this parse check fails on a
// path it copies that does not exist, a stage it copies from that is not defined, or a change
// that drops the non-root user or the health check.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './tools/topology';

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

function parse(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0 && !l.startsWith('#'))
    .map((l) => {
      const [keyword, ...rest] = l.split(/\s+/);
      return { keyword: keyword!.toUpperCase(), args: rest.join(' ') };
    });
}

describe('Dockerfile', () => {
  const instructions = parse(readFileSync(join(repoRoot, 'Dockerfile'), 'utf8'));

  it('copies only paths that exist, from stages it defines', () => {
    const stages = instructions
      .filter((i) => i.keyword === 'FROM')
      .map((i) => /\bAS\s+(\S+)/i.exec(i.args)?.[1])
      .filter((s): s is string => s !== undefined);
    for (const copy of instructions.filter((i) => i.keyword === 'COPY')) {
      const parts = copy.args.split(/\s+/);
      const from = parts.find((p) => p.startsWith('--from='))?.slice('--from='.length);
      const paths = parts.filter((p) => !p.startsWith('--'));
      const sources = paths.slice(0, -1);
      expect(sources.length, `COPY ${copy.args}`).toBeGreaterThan(0);
      if (from !== undefined) {
        expect(stages, `COPY --from=${from}`).toContain(from);
        continue;
      }
      for (const source of sources) {
        expect(existsSync(join(repoRoot, source)), `COPY source ${source} exists`).toBe(true);
      }
    }
  });

  it('takes the service as a build argument, runs non-root and has a health check', () => {
    expect(instructions.some((i) => i.keyword === 'ARG' && i.args === 'SERVICE')).toBe(true);
    const users = instructions.filter((i) => i.keyword === 'USER');
    expect(users.at(-1)?.args).toMatch(/^[1-9][0-9]*:[1-9][0-9]*$/);
    expect(instructions.filter((i) => i.keyword === 'HEALTHCHECK')).toHaveLength(1);
    expect(instructions.filter((i) => i.keyword === 'FROM').length).toBeGreaterThan(1);
    const cmd = instructions.find((i) => i.keyword === 'CMD' && i.args.includes('main.ts'));
    expect(cmd?.args).toContain('services/${KEEL_SERVICE}/src/main.ts');
  });
});
