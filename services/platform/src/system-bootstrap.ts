import type { Progress } from './progress';

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'DEAD_LETTER', 'CANCELLED']);

interface OperationView {
  readonly status: string;
  readonly subStatus?: string | null;
  readonly error?: unknown;
  readonly result?: unknown;
}

/**
 * Deploys the system layer by submitting `system.bootstrap` through the public
 * API, like any other operation (signing flow, journal, receipts). The
 * idempotency key is per chain, so a later start gets the same operation back.
 */
export async function bootstrapSystem(options: {
  gatewayUrl: string;
  apiKey: string;
  signer: string;
  chainId: number;
  progress: Progress;
}): Promise<OperationView | null> {
  const { gatewayUrl, apiKey, progress } = options;
  const res = await fetch(`${gatewayUrl}/api/v1/operations`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': apiKey,
      'idempotency-key': `platform:system.bootstrap:${options.chainId}`,
    },
    body: JSON.stringify({
      type: 'system.bootstrap',
      params: {},
      signer: options.signer,
    }),
  });
  const body = (await res.json()) as {
    operationId?: string;
    error?: { message: string; details?: unknown };
  };
  if (res.status !== 202 || !body.operationId) {
    if (res.status === 422 && JSON.stringify(body).includes('system.bootstrap')) {
      progress.step('  system.bootstrap is not an operation type of this build yet: skipped');
      return null;
    }
    throw new Error(
      `system.bootstrap refused (${res.status}): ${JSON.stringify(body.error ?? body)}`,
    );
  }
  const id = body.operationId;
  progress.step(`  operation ${id}`);
  const deadline = Date.now() + 300_000;
  let last = '';
  for (;;) {
    const view = (await (
      await fetch(`${gatewayUrl}/api/v1/operations/${id}`, { headers: { 'x-api-key': apiKey } })
    ).json()) as OperationView;
    if (view.status !== last) {
      last = view.status;
      if (!TERMINAL.has(last)) progress.step(`  ${last.toLowerCase()}`);
    }
    if (TERMINAL.has(view.status)) {
      if (view.status !== 'COMPLETED')
        throw new Error(`system.bootstrap ended ${view.status}: ${JSON.stringify(view)}`);
      return view;
    }
    if (Date.now() > deadline) throw new Error(`system.bootstrap still ${view.status} after 300 s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
