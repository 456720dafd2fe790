import { describe, expect, it } from 'vitest';
import {
  ClaimExpressionError,
  compileClaimExpression,
  type ClaimExpressionNode,
} from './claim-expression';
import { parseOperation } from './operation-types';

/** What the module's `evaluate` does with the postfix nodes. */
function evaluate(nodes: readonly ClaimExpressionNode[], held: ReadonlySet<number>): boolean {
  const stack: boolean[] = [];
  for (const n of nodes) {
    if (n.kind === 'TOPIC') stack.push(held.has(n.topic));
    else if (n.kind === 'NOT') stack.push(!stack.pop());
    else {
      const right = stack.pop()!;
      const left = stack.pop()!;
      stack.push(n.kind === 'AND' ? left && right : left || right);
    }
  }
  expect(stack).toHaveLength(1);
  return stack[0]!;
}

const postfix = (source: string): string =>
  compileClaimExpression(source)
    .map((n) => (n.kind === 'TOPIC' ? String(n.topic) : n.kind))
    .join(' ');

describe('claim expressions', () => {
  it('compiles to postfix with NOT over AND over OR, parentheses first', () => {
    expect(postfix('1')).toBe('1');
    expect(postfix('1 AND 2 OR 3')).toBe('1 2 AND 3 OR');
    expect(postfix('1 OR 2 AND 3')).toBe('1 2 3 AND OR');
    expect(postfix('1 AND (7 OR 9) AND NOT 13')).toBe('1 7 9 OR AND 13 NOT AND');
    expect(postfix('not not (1)')).toBe('1 NOT NOT');
    expect(postfix('  1and 2 ')).toBe('1 2 AND');
  });

  it('means what it says: KYC AND (ACCREDITED OR QIB) AND NOT SANCTIONED', () => {
    const nodes = compileClaimExpression('1 AND (7 OR 9) AND NOT 13');
    expect(evaluate(nodes, new Set([1, 7]))).toBe(true);
    expect(evaluate(nodes, new Set([1, 9]))).toBe(true);
    expect(evaluate(nodes, new Set([1]))).toBe(false);
    expect(evaluate(nodes, new Set([7, 9]))).toBe(false);
    expect(evaluate(nodes, new Set([1, 7, 13]))).toBe(false);
  });

  it('names what is wrong and where', () => {
    const fails = (source: string): ClaimExpressionError => {
      try {
        compileClaimExpression(source);
      } catch (err) {
        expect(err).toBeInstanceOf(ClaimExpressionError);
        return err as ClaimExpressionError;
      }
      throw new Error(`'${source}' compiled`);
    };
    expect(fails('').message).toBe('the expression is empty');
    expect(fails('1 AND').message).toBe('expected a claim topic, NOT or ( at the end');
    expect(fails('(1 OR 2').message).toBe("expected ')' at the end");
    expect(fails('1 2')).toMatchObject({
      message: "expected AND, OR or the end at 2, found '2'",
      position: 2,
    });
    expect(fails('KYC AND 2').message).toMatch(
      /^unknown word 'KYC' at 0; claim topics are numeric/,
    );
    expect(fails('1 && 2').message).toMatch(/^unexpected '&' at 2/);
    expect(fails('-1').message).toMatch(/^unexpected '-' at 0/);
    expect(fails('99999999999999999999').message).toMatch(/too large/);
    const wide = Array.from({ length: 17 }, (_, k) => String(k)).join(' OR ');
    expect(fails(wide).message).toBe('the expression has 33 nodes; the module holds at most 32');
    expect(fails('NOT '.repeat(40) + '1').message).toMatch(/shallower/);
  });

  it('is a module an asset can bind, refused with the parser’s message', () => {
    const issues = (expression: string) => {
      const r = parseOperation('asset.create', {
        kind: 'equity',
        name: 'Acme',
        symbol: 'ACME',
        decimals: 0,
        modules: [{ type: 'identity-claim-expression', params: { expression } }],
      });
      return r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`);
    };
    expect(issues('1 AND NOT 13')).toEqual([]);
    expect(issues('1 AND')).toEqual([
      'params.modules.0.params.expression: expected a claim topic, NOT or ( at the end',
    ]);
  });
});
