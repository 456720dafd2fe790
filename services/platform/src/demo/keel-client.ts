import { randomUUID } from 'node:crypto';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED']);

export interface OperationOutcome {
  readonly id: string;
  readonly status: string;
  readonly subStatus: string | null;
  readonly error: { code: string; message: string; module?: string; reason?: string } | null;
  readonly result?: Record<string, unknown>;
  /** The block of its last mined transaction: a read with `?minBlock=` sees its effect. */
  readonly minBlock?: string | null;
}

export class ApiError extends Error {}

/** The public API as the demo uses it (X-Api-Key). */
export class KeelClient {
  constructor(
    private readonly gatewayUrl: string,
    private readonly apiKey: string,
  ) {}

  async get<T>(path: string): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.gatewayUrl}/api/v1${path}`, {
      headers: { 'x-api-key': this.apiKey },
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  async post<T>(path: string, body: unknown): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.gatewayUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': this.apiKey },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** Submits an operation and waits for its end state. */
  async run(
    type: string,
    params: Record<string, unknown>,
    options: { signer?: string; idempotencyKey?: string; timeoutMs?: number } = {},
  ): Promise<OperationOutcome> {
    const res = await fetch(`${this.gatewayUrl}/api/v1/operations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': this.apiKey,
        'idempotency-key': options.idempotencyKey ?? randomUUID(),
      },
      body: JSON.stringify({ type, params, ...(options.signer ? { signer: options.signer } : {}) }),
    });
    const body = (await res.json()) as {
      operationId?: string;
      error?: { message: string; why?: string; details?: unknown };
    };
    if (res.status !== 202 || !body.operationId)
      throw new ApiError(
        `${type} refused (${res.status}): ${body.error?.message ?? ''} ${body.error?.why ?? ''} ${JSON.stringify(body.error?.details ?? '')}`,
      );
    const deadline = Date.now() + (options.timeoutMs ?? 180_000);
    for (;;) {
      const { body: view } = await this.get<OperationOutcome & { id: string }>(
        `/operations/${body.operationId}`,
      );
      if (TERMINAL.has(view.status)) return { ...view, id: body.operationId };
      if (Date.now() > deadline)
        throw new ApiError(`${type} (${body.operationId}) still ${view.status} after the timeout`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
