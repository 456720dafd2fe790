import { NotFoundException } from '@nestjs/common';
import { Problem } from '@keel/operations';
import { describe, expect, it } from 'vitest';
import { toProblem } from './problem.filter';

describe('toProblem', () => {
  it('maps body-parser failures to typed 4xx problems, never a 5xx', () => {
    expect(toProblem({ type: 'entity.parse.failed' }).status).toBe(400);
    expect(toProblem({ type: 'entity.too.large', limit: 10 }).status).toBe(413);
    expect(toProblem(new NotFoundException()).status).toBe(404);
  });
  it('keeps a Problem and hides unexpected errors behind an internal problem', () => {
    const p = new Problem({ category: 'conflict', message: 'x', why: 'y', fix: 'z' });
    expect(toProblem(p)).toBe(p);
    const internal = toProblem(new Error('secret detail'));
    expect(internal.status).toBe(500);
    expect(JSON.stringify(internal.toBody())).not.toContain('secret detail');
  });
});
