import { createHash, createPrivateKey } from 'node:crypto';
import { DfnsApiClient, DfnsError } from '@dfns/sdk';
import { AsymmetricKeySigner } from '@dfns/sdk-keysigner';
import {
  attachSignature,
  type FieldMismatch,
  MalformedTransactionError,
  parseUnsignedTransaction,
  recoverSignerAddress,
  type UnsignedTransaction,
  verifySignedTransaction,
} from '@keel/chain';
import type { Logger } from '@keel/telemetry';
import {
  type Address,
  getAddress,
  type Hash,
  hashMessage,
  hashTypedData,
  type Hex,
  isAddressEqual,
  parseTransaction,
  serializeSignature,
  type TypedDataDefinition,
} from 'viem';
import {
  type CreateWalletInput,
  type SignOutcome,
  SignerError,
  type SignTransactionInput,
  type UnifiedSigner,
  type WalletInfo,
  type WalletRef,
} from '../unified-signer';
import type { DfnsConnection, DfnsWallet, DfnsWalletDirectory } from './dfns-wallet';
import type { SecretResolver } from './secret-reference';

/** What DFNS answers for a signature request (the fields Keel reads). */
interface DfnsSignatureRecord {
  readonly id: string;
  readonly status: string;
  readonly externalId?: string;
  readonly signature?: { readonly r: Hex; readonly s: Hex; readonly recid: number };
  readonly signedData?: Hex;
  readonly approvalId?: string;
  readonly reason?: string;
}

type SignatureBody =
  | { kind: 'Transaction'; transaction: Hex; externalId: string }
  | { kind: 'Hash'; hash: Hash; externalId: string };

export interface DfnsSignerOptions {
  /** Attempts at one provider call before the request is left to the bus's retry (default 4). */
  readonly maxAttempts?: number;
  /** First backoff; doubles per attempt, with full jitter (default 200 ms). */
  readonly backoffMs?: number;
  /** Ceiling of one backoff (default 5 s). */
  readonly maxBackoffMs?: number;
  /** A provider call slower than this counts as a timeout: it may still have been created (default 30 s). */
  readonly requestTimeoutMs?: number;
  /** Polls of a request DFNS is still executing, without a policy approval (default 20 × 250 ms). */
  readonly executingPolls?: number;
  readonly executingPollMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
}

class ProviderTimeout extends Error {
  override readonly name = 'ProviderTimeout';
}

/**
 * The DFNS sign-only route: `POST /wallets/:id/signatures {kind: Transaction}`
 * with the unsigned serialized transaction; DFNS answers the signed bytes
 * (`signedData`), which are checked against the request before Keel uses them
 * (payload integrity: the six fields, then fees and encoding), and Keel
 * broadcasts them itself.
 *
 * Each request carries an externalId derived from Keel's signing request id,
 * so the provider holds at most one request per nonce reservation. A 5xx, a
 * network error or a timeout may still have created the request: before any
 * retry the adapter looks the externalId up, and uses what it finds.
 *
 * Credentials are references (`env:` / `file:`), resolved per call and never
 * logged; log lines name the wallet, the externalId and the HTTP status only.
 */
export class DfnsSigner implements UnifiedSigner {
  readonly provider = 'dfns';
  private readonly opts: Required<DfnsSignerOptions>;

  constructor(
    private readonly directory: DfnsWalletDirectory,
    private readonly secrets: SecretResolver,
    private readonly logger: Logger,
    options: DfnsSignerOptions = {},
  ) {
    this.opts = {
      maxAttempts: options.maxAttempts ?? 4,
      backoffMs: options.backoffMs ?? 200,
      maxBackoffMs: options.maxBackoffMs ?? 5_000,
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
      executingPolls: options.executingPolls ?? 20,
      executingPollMs: options.executingPollMs ?? 250,
      sleep: options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms))),
      random: options.random ?? Math.random,
    };
  }

  /** DFNS wallets are created in DFNS and registered in Keel (`registerWallet` use-case). */
  createWallet(input: CreateWalletInput): Promise<WalletInfo> {
    return Promise.reject(
      new SignerError(
        'PROVIDER_REFUSED',
        `a DFNS wallet of ${input.organizationId} is registered by its DFNS wallet id, not created here`,
      ),
    );
  }

  /** Wallets are listed from Keel's table by the routing signer; DFNS is not asked. */
  listWallets(organizationId: string): Promise<WalletInfo[]> {
    void organizationId;
    return Promise.resolve([]);
  }

  /** Reads a DFNS wallet with the given connection: proves the credentials and gives its address. */
  async describeWallet(
    connection: DfnsConnection,
    dfnsWalletId: string,
  ): Promise<{ readonly address: Address; readonly network: string }> {
    const client = await this.clientFor(connection);
    let wallet: { address?: string; network: string; status?: string };
    try {
      wallet = await this.withTimeout(client.wallets.getWallet({ walletId: dfnsWalletId }));
    } catch (err) {
      const status = err instanceof DfnsError ? err.httpStatus : undefined;
      throw new SignerError(
        status !== undefined && status < 500 ? 'PROVIDER_REFUSED' : 'PROVIDER_UNAVAILABLE',
        `DFNS did not give wallet ${dfnsWalletId}: ${status ?? 'no answer'} ${(err as Error).message}`,
      );
    }
    if (!wallet.address || !/^0x[0-9a-fA-F]{40}$/.test(wallet.address))
      throw new SignerError(
        'PROVIDER_REFUSED',
        `DFNS wallet ${dfnsWalletId} on ${wallet.network} has no EVM address`,
      );
    return { address: getAddress(wallet.address), network: wallet.network };
  }

  async signTransaction(input: SignTransactionInput): Promise<SignOutcome> {
    const wallet = await this.walletOf(input.wallet);
    let unsigned: UnsignedTransaction;
    try {
      unsigned = parseUnsignedTransaction(input.unsignedTransaction);
    } catch (err) {
      if (err instanceof MalformedTransactionError)
        throw new SignerError('MALFORMED_TRANSACTION', err.message);
      throw err;
    }
    if (unsigned.chainId !== input.chainId)
      throw new SignerError(
        'CHAIN_MISMATCH',
        `transaction is for chain ${unsigned.chainId}, the request for chain ${input.chainId}`,
      );
    const externalId = externalIdOf(
      wallet,
      input.idempotencyKey ?? `tx:${input.unsignedTransaction}`,
    );
    const record = await this.settle(
      wallet,
      await this.createOrReconcile(wallet, {
        kind: 'Transaction',
        transaction: input.unsignedTransaction,
        externalId,
      }),
    );
    if (record.kind === 'approval-required') return record;
    if (!record.signedData)
      throw new SignerError(
        'PAYLOAD_MISMATCH',
        `DFNS signature ${record.id} of wallet ${wallet.dfnsWalletId} is Signed without signedData`,
        { details: { field: 'encoding' } },
      );
    return {
      kind: 'signed',
      signature: await checkSignedData(
        record.signedData,
        input.unsignedTransaction,
        unsigned,
        wallet,
      ),
    };
  }

  async signMessage(wallet: WalletRef, message: string | { readonly raw: Hex }): Promise<Hex> {
    return this.signHash(wallet, hashMessage(message));
  }

  async signTypedData(wallet: WalletRef, typedData: TypedDataDefinition): Promise<Hex> {
    return this.signHash(wallet, hashTypedData(typedData));
  }

  private async signHash(ref: WalletRef, hash: Hash): Promise<Hex> {
    const wallet = await this.walletOf(ref);
    const outcome = await this.settle(
      wallet,
      await this.createOrReconcile(wallet, {
        kind: 'Hash',
        hash,
        externalId: externalIdOf(wallet, `hash:${hash}`),
      }),
    );
    if (outcome.kind === 'approval-required' || !outcome.signature)
      throw new SignerError(
        'BLOCKED_BY_POLICY',
        `DFNS holds the message signature of wallet ${wallet.dfnsWalletId} for approval`,
      );
    const { r, s, recid } = outcome.signature;
    const signature = serializeSignature({ r, s, yParity: recid });
    const recovered = recoverSignerAddress(hash, { r, s, yParity: recid });
    if (!recovered || !isAddressEqual(recovered, wallet.address))
      throw new SignerError(
        'PAYLOAD_MISMATCH',
        `DFNS signed with ${recovered ?? 'an unrecoverable signature'}, not the wallet ${getAddress(wallet.address)}`,
        { details: { field: 'signer' } },
      );
    return signature;
  }

  private async walletOf(ref: WalletRef): Promise<DfnsWallet> {
    const wallet = await this.directory.find(ref.organizationId, ref.address);
    if (!wallet)
      throw new SignerError(
        'WALLET_NOT_FOUND',
        `no DFNS wallet ${getAddress(ref.address)} in organization ${ref.organizationId}`,
      );
    return wallet;
  }

  /** Creates the request once; after a failure that may have created it, finds it before retrying. */
  private async createOrReconcile(
    wallet: DfnsWallet,
    body: SignatureBody,
  ): Promise<DfnsSignatureRecord> {
    const client = await this.clientFor(wallet.connection);
    let mayExist = false;
    for (let attempt = 1; ; attempt++) {
      if (mayExist) {
        const found = await this.findByExternalId(client, wallet, body.externalId);
        if (found) {
          this.logger.info(
            { walletId: wallet.dfnsWalletId, externalId: body.externalId, signatureId: found.id },
            'DFNS request found by externalId after a failed create; not sent again',
          );
          return found;
        }
      }
      try {
        return (await this.withTimeout(
          client.wallets.generateSignature({ walletId: wallet.dfnsWalletId, body }),
        )) as DfnsSignatureRecord;
      } catch (err) {
        if (err instanceof DfnsError && err.httpStatus === 202)
          return err.context as DfnsSignatureRecord; // PolicyPendingError: the body is the request
        const status = err instanceof DfnsError ? err.httpStatus : undefined;
        if (status === 409) {
          mayExist = true;
          continue;
        }
        const retryable = status === undefined || status >= 500 || status === 429;
        if (!retryable) {
          throw new SignerError(
            'PROVIDER_REFUSED',
            `DFNS refused the signature request of wallet ${wallet.dfnsWalletId}: ${status} ${(err as Error).message}`,
          );
        }
        mayExist = true;
        this.logger.warn(
          {
            walletId: wallet.dfnsWalletId,
            externalId: body.externalId,
            httpStatus: status ?? null,
            error: err instanceof ProviderTimeout ? 'timeout' : (err as Error).name,
            attempt,
          },
          'DFNS signature request failed; reconciling by externalId before a retry',
        );
        if (attempt >= this.opts.maxAttempts)
          throw new SignerError(
            'PROVIDER_UNAVAILABLE',
            `DFNS did not answer the signature request of wallet ${wallet.dfnsWalletId} after ${attempt} attempts`,
            { retryable: true },
          );
        await this.opts.sleep(this.backoff(attempt));
      }
    }
  }

  /** Follows a request to Signed, a pending approval, or a refusal. */
  private async settle(
    wallet: DfnsWallet,
    record: DfnsSignatureRecord,
  ): Promise<
    | (DfnsSignatureRecord & { readonly kind: 'signed' })
    | { readonly kind: 'approval-required'; readonly approvalId: string }
  > {
    const client = await this.clientFor(wallet.connection);
    let current = record;
    for (let poll = 0; ; poll++) {
      switch (current.status) {
        case 'Signed':
        case 'Confirmed':
          return { ...current, kind: 'signed' };
        case 'Rejected':
          throw new SignerError(
            'BLOCKED_BY_POLICY',
            `DFNS rejected the request ${current.id}: ${current.reason ?? 'no reason given'}`,
            { details: { provider: 'dfns', providerRequestId: current.id } },
          );
        case 'Failed':
          throw new SignerError(
            'PROVIDER_REFUSED',
            `DFNS failed the request ${current.id}: ${current.reason ?? 'no reason given'}`,
          );
        default:
          if (current.approvalId)
            return { kind: 'approval-required', approvalId: current.approvalId };
      }
      if (poll >= this.opts.executingPolls)
        throw new SignerError(
          'PROVIDER_UNAVAILABLE',
          `DFNS request ${current.id} is still ${current.status}`,
          { retryable: true },
        );
      await this.opts.sleep(this.opts.executingPollMs);
      current = (await this.withTimeout(
        client.wallets.getSignature({ walletId: wallet.dfnsWalletId, signatureId: current.id }),
      )) as DfnsSignatureRecord;
    }
  }

  private async findByExternalId(
    client: DfnsApiClient,
    wallet: DfnsWallet,
    externalId: string,
  ): Promise<DfnsSignatureRecord | null> {
    let paginationToken: string | undefined;
    for (;;) {
      const page = (await this.withTimeout(
        client.wallets.listSignatures({
          walletId: wallet.dfnsWalletId,
          query: { limit: 100, ...(paginationToken ? { paginationToken } : {}) },
        }),
      )) as { items: DfnsSignatureRecord[]; nextPageToken?: string };
      const found = page.items.find((s) => s.externalId === externalId);
      if (found) return found;
      if (!page.nextPageToken) return null;
      paginationToken = page.nextPageToken;
    }
  }

  private async clientFor(connection: DfnsConnection): Promise<DfnsApiClient> {
    const [authToken, privateKey] = await Promise.all([
      this.secrets.resolve(connection.authToken),
      this.secrets.resolve(connection.privateKey),
    ]);
    return new DfnsApiClient({
      baseUrl: connection.baseUrl,
      authToken,
      signer: new AsymmetricKeySigner({
        credId: connection.credId,
        privateKey,
        // Ed25519 signs the message; P-256 and RSA sign its SHA-256.
        ...(createPrivateKey(privateKey).asymmetricKeyType === 'ed25519'
          ? {}
          : { algorithm: 'SHA256' }),
      }),
    });
  }

  private withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProviderTimeout(`no answer in ${this.opts.requestTimeoutMs} ms`)),
        this.opts.requestTimeoutMs,
      );
    });
    return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** (attempt - 1));
    return Math.round(this.opts.random() * ceiling);
  }
}

/** A deterministic DFNS externalId for one Keel signing request on one wallet. */
export function externalIdOf(wallet: DfnsWallet, key: string): string {
  const digest = createHash('sha256')
    .update(`${wallet.organizationId}\n${wallet.dfnsWalletId}\n${key}`)
    .digest('hex');
  return `keel-${digest.slice(0, 40)}`;
}

/**
 * Keel's payload-integrity check on the bytes DFNS signed: the six bound fields
 * (nonce, to, calldata, chain id, value, recovered signer), then the fees and
 * type a remote signer could also change, then the exact encoding. Returns the
 * 65-byte signature the rest of the pipeline attaches to the prepared bytes.
 */
export async function checkSignedData(
  signedData: Hex,
  unsignedTransaction: Hex,
  unsigned: UnsignedTransaction,
  wallet: { readonly address: Address; readonly dfnsWalletId: string },
): Promise<Hex> {
  const check = await verifySignedTransaction(signedData, {
    chainId: unsigned.chainId,
    from: wallet.address,
    nonce: unsigned.nonce,
    to: unsigned.to,
    data: unsigned.data,
    value: unsigned.value,
  });
  const mismatches: FieldMismatch[] = check.ok ? [] : [...check.mismatches];
  if (check.ok) {
    const signed = parseTransaction(signedData);
    const fees: [string, unknown, unknown][] = [
      ['type', 'eip1559', signed.type],
      ['gas', unsigned.gas, signed.gas],
      ['maxFeePerGas', unsigned.maxFeePerGas, signed.maxFeePerGas],
      ['maxPriorityFeePerGas', unsigned.maxPriorityFeePerGas, signed.maxPriorityFeePerGas],
      ['accessList', 0, signed.accessList?.length ?? 0],
    ];
    for (const [field, expected, actual] of fees)
      if (expected !== actual)
        mismatches.push({
          field: 'encoding',
          expected: `${field} ${String(expected)}`,
          actual: `${field} ${String(actual)}`,
        });
  }
  let signature: Hex | undefined;
  if (mismatches.length === 0) {
    const sig = parseTransaction(signedData);
    signature = serializeSignature({
      r: sig.r as Hex,
      s: sig.s as Hex,
      yParity: sig.yParity ?? 0,
    });
    if (attachSignature(unsignedTransaction, signature).toLowerCase() !== signedData.toLowerCase())
      mismatches.push({
        field: 'encoding',
        expected: 'the prepared bytes with a signature',
        actual: 'other bytes',
      });
  }
  if (mismatches.length > 0 || !signature)
    throw new SignerError(
      'PAYLOAD_MISMATCH',
      `signed data from DFNS wallet ${wallet.dfnsWalletId} does not match the prepared request: ${mismatches
        .map((m) => `${m.field} (expected ${m.expected}, got ${m.actual})`)
        .join('; ')}`,
      { details: { field: mismatches[0]?.field ?? 'encoding', mismatches } },
    );
  return signature;
}
