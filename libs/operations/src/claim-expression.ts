/**
 * Claim expressions of the identity-claim-expression compliance module: a
 * boolean expression over claim topic ids, written infix for people
 * (`1 AND (7 OR 9) AND NOT 13`) and compiled to the postfix nodes the module
 * stores (`IdentityClaimExpressionModule.setExpression`).
 *
 * Grammar (keywords case-insensitive; NOT binds tightest, then AND, then OR):
 *   expr   := term (OR term)*
 *   term   := factor (AND factor)*
 *   factor := NOT factor | '(' expr ')' | topic
 *   topic  := a claim topic id, a non-negative integer
 */

/** The node kinds, numbered as the module's `NodeKind` enum. */
export const claimExpressionNodeKinds = { TOPIC: 0, AND: 1, OR: 2, NOT: 3 } as const;
export type ClaimExpressionNodeKind = keyof typeof claimExpressionNodeKinds;

export interface ClaimExpressionNode {
  readonly kind: ClaimExpressionNodeKind;
  /** The claim topic for TOPIC nodes; 0 for operators. */
  readonly topic: number;
}

/** The module's `MAX_NODES`. */
export const MAX_CLAIM_EXPRESSION_NODES = 32;

export class ClaimExpressionError extends Error {
  override readonly name = 'ClaimExpressionError';
  constructor(
    message: string,
    /** 0-based character offset the message is about. */
    readonly position: number,
  ) {
    super(message);
  }
}

interface Token {
  readonly text: string;
  readonly position: number;
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  const pattern = /\s*(?:(\(|\))|([A-Za-z]+)|(\d+)|(\S))/gy;
  let match: RegExpExecArray | null;
  while ((match = pattern.exec(source)) !== null) {
    const text = match[1] ?? match[2] ?? match[3] ?? match[4];
    if (text === undefined) break;
    const position = match.index + match[0].length - text.length;
    if (match[4] !== undefined)
      throw new ClaimExpressionError(
        `unexpected '${text}' at ${position}; use topic ids, AND, OR, NOT and parentheses`,
        position,
      );
    if (match[2] !== undefined && !/^(and|or|not)$/i.test(text))
      throw new ClaimExpressionError(
        `unknown word '${text}' at ${position}; claim topics are numeric ids (e.g. 1 for KYC)`,
        position,
      );
    tokens.push({ text: match[2] !== undefined ? text.toUpperCase() : text, position });
  }
  return tokens;
}

/**
 * Compiles an infix claim expression to the module's postfix nodes.
 * @throws ClaimExpressionError naming what is wrong and where.
 */
export function compileClaimExpression(source: string): ClaimExpressionNode[] {
  const tokens = tokenize(source);
  if (tokens.length === 0) throw new ClaimExpressionError('the expression is empty', 0);
  const out: ClaimExpressionNode[] = [];
  let i = 0;
  const peek = (): Token | undefined => tokens[i];
  const expected = (what: string): never => {
    const t = peek();
    throw t
      ? new ClaimExpressionError(`expected ${what} at ${t.position}, found '${t.text}'`, t.position)
      : new ClaimExpressionError(`expected ${what} at the end`, source.length);
  };
  const factor = (depth: number): void => {
    if (depth > MAX_CLAIM_EXPRESSION_NODES) expected('a shallower expression');
    const t = peek();
    if (t?.text === 'NOT') {
      i += 1;
      factor(depth + 1);
      out.push({ kind: 'NOT', topic: 0 });
    } else if (t?.text === '(') {
      i += 1;
      expr(depth + 1);
      if (peek()?.text !== ')') expected("')'");
      i += 1;
    } else if (t !== undefined && /^\d+$/.test(t.text)) {
      const topic = Number(t.text);
      if (!Number.isSafeInteger(topic))
        throw new ClaimExpressionError(`topic ${t.text} at ${t.position} is too large`, t.position);
      i += 1;
      out.push({ kind: 'TOPIC', topic });
    } else expected('a claim topic, NOT or (');
  };
  /** `operand (op operand)*`, each op pushed after its right operand: left-associative postfix. */
  const chain =
    (op: 'AND' | 'OR', operand: (depth: number) => void) =>
    (depth: number): void => {
      operand(depth);
      while (peek()?.text === op) {
        i += 1;
        operand(depth);
        out.push({ kind: op, topic: 0 });
      }
    };
  const term = chain('AND', factor);
  const expr = chain('OR', term);
  expr(0);
  if (i < tokens.length) expected('AND, OR or the end');
  if (out.length > MAX_CLAIM_EXPRESSION_NODES)
    throw new ClaimExpressionError(
      `the expression has ${out.length} nodes; the module holds at most ${MAX_CLAIM_EXPRESSION_NODES}`,
      0,
    );
  return out;
}
