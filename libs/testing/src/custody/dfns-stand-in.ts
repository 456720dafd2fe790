import {
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  verify,
  type KeyObject,
} from 'node:crypto';
import { type Hex, parseTransaction, type TypedDataDefinition } from 'viem';
import {
  broadcastRaw,
  defaultMisbehaviour,
  type HeldKey,
  type JsonAnswer,
  type Misbehaviour,
  newHeldKey,
  policyAmountOf,
  type RawRequest,
  signDigest,
  signUnsignedTransaction,
  sleep,
  type StandInPolicy,
  startJsonServer,
  takeTamper,
} from './stand-in-common';

/**
 * A DFNS stand-in: a real HTTP server answering the endpoints Keel's adapter
 * calls, checking what DFNS checks — the bearer token, and on every write the
 * user action (`/auth/action/init` → challenge signed by a registered
 * credential → `/auth/action` → `x-dfns-useraction`, single use and bound to
 * method, path and exact body). Credentials may be Ed25519, P-256 or RSA keys.
 * It holds a real secp256k1 key per wallet and applies a policy per wallet.
 */
export interface DfnsCredential {
  readonly credId: string;
  /** PEM of the credential's public key (SPKI). */
  readonly publicKeyPem: string;
}

export interface DfnsUser {
  readonly userId: string;
  /** The bearer token of this user (service account token). */
  readonly authToken: string;
  readonly credentials: readonly DfnsCredential[];
}

export interface DfnsStandInOptions {
  readonly users: readonly DfnsUser[];
  /** Where the broadcast route sends signed bytes. */
  readonly rpcUrl?: string;
  /** Policy of wallets created without their own (default always-approve). */
  readonly policy?: StandInPolicy;
}

type SignatureStatus = 'Pending' | 'Executing' | 'Signed' | 'Confirmed' | 'Failed' | 'Rejected';
type ApprovalStatus = 'Pending' | 'Approved' | 'Denied' | 'Expired';

interface Wallet {
  readonly id: string;
  readonly network: string;
  readonly name: string | null;
  readonly externalId: string | null;
  readonly key: HeldKey;
  readonly dateCreated: string;
  policy: StandInPolicy;
}

interface SignatureRequest {
  readonly id: string;
  readonly walletId: string;
  readonly route: 'signatures' | 'transactions';
  readonly requester: { readonly userId: string };
  readonly requestBody: Record<string, unknown>;
  readonly externalId: string | null;
  status: SignatureStatus | 'Broadcasted';
  signature?: { r: Hex; s: Hex; recid: number; encoded: Hex };
  signedData?: Hex;
  txHash?: Hex;
  approvalId?: string;
  reason?: string;
  readonly dateRequested: string;
}

interface Approval {
  readonly id: string;
  readonly initiatorId: string;
  readonly requestId: string;
  status: ApprovalStatus;
  readonly decisions: {
    userId: string;
    value: 'Approved' | 'Denied';
    reason?: string;
    date: string;
  }[];
  readonly dateCreated: string;
}

interface Challenge {
  readonly userId: string;
  readonly challenge: string;
  readonly method: string;
  readonly path: string;
  readonly payload: string;
}

interface UserAction {
  readonly userId: string;
  readonly method: string;
  readonly path: string;
  readonly payload: string;
  used: boolean;
}

export interface DfnsStandIn {
  readonly url: string;
  /** Per-wallet misbehaviour is global here; set fields to change it. */
  readonly misbehaviour: Misbehaviour;
  /** Requests that reached a create endpoint (signatures or transactions), by wallet. */
  createRequests(walletId?: string): number;
  /** The signature / transaction requests held, oldest first. */
  requests(walletId?: string): readonly { id: string; status: string; externalId: string | null }[];
  setPolicy(walletId: string, policy: StandInPolicy): void;
  addressOf(walletId: string): Hex;
  /** Every refusal the stand-in answered, with the reason (what its checks caught). */
  readonly refusals: readonly { status: number; message: string }[];
  close(): Promise<void>;
}

const ROUTE_SIGNATURES = /^\/wallets\/([^/]+)\/signatures$/;
const ROUTE_SIGNATURE = /^\/wallets\/([^/]+)\/signatures\/([^/]+)$/;
const ROUTE_TRANSACTIONS = /^\/wallets\/([^/]+)\/transactions$/;
const ROUTE_TRANSACTION = /^\/wallets\/([^/]+)\/transactions\/([^/]+)$/;
const ROUTE_WALLET = /^\/wallets\/([^/]+)$/;
const ROUTE_APPROVAL = /^\/v2\/policy-approvals\/([^/]+)$/;
const ROUTE_DECISIONS = /^\/v2\/policy-approvals\/([^/]+)\/decisions$/;

function b64urlDecode(s: string): Buffer {
  return Buffer.from(s, 'base64url');
}

function dfnsError(status: number, message: string): JsonAnswer {
  // DFNS answers errors as {error: {message, …}} with the HTTP status; the SDK reads error.message.
  return { status, body: { error: { message, httpStatus: status } } };
}

export async function startDfnsStandIn(options: DfnsStandInOptions): Promise<DfnsStandIn> {
  const misbehaviour = defaultMisbehaviour();
  const usersByToken = new Map<string, DfnsUser>();
  const credentials = new Map<string, { userId: string; key: KeyObject }>();
  for (const user of options.users) {
    usersByToken.set(user.authToken, user);
    for (const cred of user.credentials) {
      credentials.set(cred.credId, {
        userId: user.userId,
        key: createPublicKey(cred.publicKeyPem),
      });
    }
  }
  const wallets = new Map<string, Wallet>();
  const requests = new Map<string, SignatureRequest>();
  const approvals = new Map<string, Approval>();
  const challenges = new Map<string, Challenge>();
  const userActions = new Map<string, UserAction>();
  const createCount = new Map<string, number>();
  const refusals: { status: number; message: string }[] = [];

  const refuse = (status: number, message: string): JsonAnswer => {
    refusals.push({ status, message });
    return dfnsError(status, message);
  };

  const walletView = (w: Wallet) => ({
    id: w.id,
    network: w.network,
    address: w.key.account.address.toLowerCase(),
    name: w.name,
    externalId: w.externalId,
    status: 'Active',
    signingKey: {
      scheme: 'ECDSA',
      curve: 'secp256k1',
      publicKey: w.key.account.publicKey.slice(2),
    },
    dateCreated: w.dateCreated,
    custodial: true,
    tags: [],
  });

  const requestView = (r: SignatureRequest) => ({
    id: r.id,
    walletId: r.walletId,
    network: wallets.get(r.walletId)?.network,
    requester: r.requester,
    requestBody: r.requestBody,
    status: r.status,
    ...(r.signature ? { signature: r.signature } : {}),
    ...(r.signedData ? { signedData: r.signedData } : {}),
    ...(r.txHash ? { txHash: r.txHash } : {}),
    ...(r.approvalId ? { approvalId: r.approvalId } : {}),
    ...(r.reason ? { reason: r.reason } : {}),
    ...(r.externalId ? { externalId: r.externalId } : {}),
    dateRequested: r.dateRequested,
  });

  const approvalView = (a: Approval) => {
    const req = requests.get(a.requestId);
    return {
      id: a.id,
      initiatorId: a.initiatorId,
      status: a.status,
      activity: {
        kind: 'Wallets:Sign',
        ...(req ? { signatureRequest: requestView(req) } : {}),
      },
      decisions: a.decisions,
      policyEvaluations: [{ policyId: 'po-stand-in', triggered: true }],
      dateCreated: a.dateCreated,
    };
  };

  async function execute(req: SignatureRequest): Promise<void> {
    const wallet = wallets.get(req.walletId);
    if (!wallet) throw new Error(`wallet ${req.walletId} vanished`);
    const body = req.requestBody;
    const kind = body['kind'];
    if (kind === 'Transaction') {
      const signed = await signUnsignedTransaction(
        wallet.key,
        body['transaction'] as Hex,
        takeTamper(misbehaviour),
      );
      req.signature = {
        r: signed.r,
        s: signed.s,
        recid: signed.recid,
        encoded:
          `${signed.r}${signed.s.slice(2)}${signed.recid.toString(16).padStart(2, '0')}` as Hex,
      };
      req.signedData = signed.signedData;
      if (req.route === 'transactions') {
        if (!options.rpcUrl) throw new Error('the broadcast route needs rpcUrl');
        req.txHash = await broadcastRaw(options.rpcUrl, signed.signedData);
        req.status = 'Broadcasted';
      } else {
        req.status = 'Signed';
      }
    } else if (kind === 'Hash') {
      const sig = await signDigest(wallet.key, body['hash'] as Hex, takeTamper(misbehaviour));
      req.signature = {
        r: sig.r,
        s: sig.s,
        recid: sig.v,
        encoded: `${sig.r}${sig.s.slice(2)}${sig.v.toString(16).padStart(2, '0')}` as Hex,
      };
      req.status = 'Signed';
    } else if (kind === 'Eip712') {
      const typed = {
        types: body['types'],
        domain: body['domain'],
        message: body['message'],
        primaryType: Object.keys(body['types'] as object).find((t) => t !== 'EIP712Domain'),
      } as unknown as TypedDataDefinition;
      const encoded = await wallet.key.account.signTypedData(typed);
      req.signature = {
        r: `0x${encoded.slice(2, 66)}`,
        s: `0x${encoded.slice(66, 130)}`,
        recid: parseInt(encoded.slice(130, 132), 16) - 27,
        encoded,
      };
      req.status = 'Signed';
    } else {
      req.status = 'Failed';
      req.reason = `unsupported signature kind ${String(kind)}`;
    }
  }

  function amountOf(body: Record<string, unknown>): bigint {
    if (body['kind'] !== 'Transaction') return 0n;
    const tx = parseTransaction(body['transaction'] as Hex);
    return policyAmountOf(tx.to ?? undefined, tx.data, tx.value ?? 0n);
  }

  async function createRequest(
    user: DfnsUser,
    wallet: Wallet,
    route: 'signatures' | 'transactions',
    body: Record<string, unknown>,
  ): Promise<JsonAnswer> {
    createCount.set(wallet.id, (createCount.get(wallet.id) ?? 0) + 1);
    await sleep(misbehaviour.latencyMs);
    if (misbehaviour.fail5xx > 0) {
      misbehaviour.fail5xx -= 1;
      return refuse(503, 'Service Unavailable');
    }
    const kind = body['kind'];
    const allowed = route === 'signatures' ? ['Transaction', 'Hash', 'Eip712'] : ['Transaction'];
    if (typeof kind !== 'string' || !allowed.includes(kind))
      return refuse(400, `"kind" must be one of ${allowed.join(', ')}`);
    if (kind === 'Transaction') {
      try {
        const tx = parseTransaction(body['transaction'] as Hex);
        if (tx.r !== undefined) return refuse(400, 'transaction is already signed');
      } catch {
        return refuse(400, '"transaction" is not a serialized unsigned transaction');
      }
    }
    const externalId = typeof body['externalId'] === 'string' ? body['externalId'] : null;
    if (externalId !== null) {
      for (const r of requests.values()) {
        if (r.walletId === wallet.id && r.externalId === externalId)
          return refuse(409, `a request with externalId ${externalId} already exists`);
      }
    }
    const req: SignatureRequest = {
      id: `${route === 'signatures' ? 'sig' : 'tx'}-${randomUUID()}`,
      walletId: wallet.id,
      route,
      requester: { userId: user.userId },
      requestBody: body,
      externalId,
      status: 'Pending',
      dateRequested: new Date().toISOString(),
    };
    requests.set(req.id, req);
    const policy = wallet.policy;
    let pending = false;
    if (policy.kind === 'deny') {
      req.status = 'Rejected';
      req.reason = policy.reason;
    } else if (policy.kind === 'approve-above' && amountOf(body) > policy.threshold) {
      const approval: Approval = {
        id: `ap-${randomUUID()}`,
        initiatorId: user.userId,
        requestId: req.id,
        status: 'Pending',
        decisions: [],
        dateCreated: new Date().toISOString(),
      };
      approvals.set(approval.id, approval);
      req.approvalId = approval.id;
      pending = true;
    } else {
      await execute(req);
    }
    if (misbehaviour.createThenFail5xx > 0) {
      misbehaviour.createThenFail5xx -= 1;
      return refuse(502, 'Bad Gateway');
    }
    return { status: pending ? 202 : 200, body: requestView(req) };
  }

  /** Checks the x-dfns-useraction of a write; consumes it. Returns a refusal or null. */
  function checkUserAction(req: RawRequest, user: DfnsUser): JsonAnswer | null {
    const header = req.headers['x-dfns-useraction'];
    const token = Array.isArray(header) ? header[0] : header;
    if (!token)
      return refuse(
        401,
        'missing x-dfns-useraction header: this request needs a user action signature',
      );
    const action = userActions.get(token);
    if (!action) return refuse(401, 'invalid user action token');
    if (action.used) return refuse(401, 'user action token already used');
    if (action.userId !== user.userId)
      return refuse(401, 'user action token belongs to another user');
    if (
      action.method !== req.method ||
      action.path !== req.pathname ||
      action.payload !== req.rawBody
    )
      return refuse(401, 'user action does not match this request (method, path or body)');
    action.used = true;
    return null;
  }

  async function route(req: RawRequest): Promise<JsonAnswer> {
    const auth = req.headers['authorization'];
    const bearer = typeof auth === 'string' && auth.startsWith('Bearer ') ? auth.slice(7) : null;
    const user = bearer ? usersByToken.get(bearer) : undefined;
    if (!user) return refuse(401, 'Unauthorized: invalid or missing bearer token');
    let body: Record<string, unknown> = {};
    if (req.rawBody) {
      try {
        body = JSON.parse(req.rawBody) as Record<string, unknown>;
      } catch {
        return refuse(400, 'request body is not JSON');
      }
    }

    if (req.method === 'POST' && req.pathname === '/auth/action/init') {
      const method = (
        typeof body['userActionHttpMethod'] === 'string' ? body['userActionHttpMethod'] : ''
      ).toUpperCase();
      const path = typeof body['userActionHttpPath'] === 'string' ? body['userActionHttpPath'] : '';
      const payload = body['userActionPayload'];
      if (!method || !path || typeof payload !== 'string')
        return refuse(
          400,
          'userActionPayload, userActionHttpMethod and userActionHttpPath are required',
        );
      const challengeIdentifier = randomUUID();
      const challenge = randomBytes(32).toString('base64url');
      challenges.set(challengeIdentifier, {
        userId: user.userId,
        challenge,
        method,
        path,
        payload,
      });
      return {
        status: 200,
        body: {
          challenge,
          challengeIdentifier,
          userVerification: 'required',
          supportedCredentialKinds: [{ kind: 'Key', factor: 'first', requiresSecondFactor: false }],
          allowCredentials: {
            key: user.credentials.map((c) => ({ type: 'public-key', id: c.credId })),
            webauthn: [],
          },
          externalAuthenticationUrl: '',
        },
      };
    }
    if (req.method === 'POST' && req.pathname === '/auth/action') {
      const ch = challenges.get(
        typeof body['challengeIdentifier'] === 'string' ? body['challengeIdentifier'] : '',
      );
      if (!ch) return refuse(401, 'unknown or used challenge');
      challenges.delete(body['challengeIdentifier'] as string);
      if (ch.userId !== user.userId) return refuse(401, 'challenge belongs to another user');
      const factor = body['firstFactor'] as
        | {
            kind?: string;
            credentialAssertion?: { credId?: string; clientData?: string; signature?: string };
          }
        | undefined;
      const assertion = factor?.credentialAssertion;
      if (
        factor?.kind !== 'Key' ||
        !assertion?.credId ||
        !assertion.clientData ||
        !assertion.signature
      )
        return refuse(400, 'firstFactor must be a Key credential assertion');
      const cred = credentials.get(assertion.credId);
      if (!cred || cred.userId !== user.userId)
        return refuse(401, 'credential not found for this user');
      const clientData = b64urlDecode(assertion.clientData);
      let parsed: { type?: string; challenge?: string };
      try {
        parsed = JSON.parse(clientData.toString('utf8')) as { type?: string; challenge?: string };
      } catch {
        return refuse(400, 'clientData is not JSON');
      }
      if (parsed.type !== 'key.get' || parsed.challenge !== ch.challenge)
        return refuse(401, 'clientData does not answer the challenge');
      // Ed25519 signs the message itself; P-256 and RSA sign its SHA-256 (DER / PKCS#1 v1.5).
      const digest = cred.key.asymmetricKeyType === 'ed25519' ? null : 'sha256';
      if (!verify(digest, clientData, cred.key, b64urlDecode(assertion.signature)))
        return refuse(401, 'invalid credential signature');
      const userAction = `ua-${randomBytes(24).toString('base64url')}`;
      userActions.set(userAction, {
        userId: user.userId,
        method: ch.method,
        path: ch.path,
        payload: ch.payload,
        used: false,
      });
      return { status: 200, body: { userAction } };
    }

    if (req.method !== 'GET') {
      const refusal = checkUserAction(req, user);
      if (refusal) return refusal;
    }

    if (req.method === 'POST' && req.pathname === '/wallets') {
      if (typeof body['network'] !== 'string') return refuse(400, '"network" is required');
      const wallet: Wallet = {
        id: `wa-${randomUUID()}`,
        network: body['network'],
        name: typeof body['name'] === 'string' ? body['name'] : null,
        externalId: typeof body['externalId'] === 'string' ? body['externalId'] : null,
        key: newHeldKey(),
        dateCreated: new Date().toISOString(),
        policy: options.policy ?? { kind: 'always-approve' },
      };
      wallets.set(wallet.id, wallet);
      return { status: 200, body: walletView(wallet) };
    }
    if (req.method === 'GET' && req.pathname === '/wallets') {
      return { status: 200, body: { items: [...wallets.values()].map(walletView) } };
    }
    let m = ROUTE_SIGNATURES.exec(req.pathname) ?? ROUTE_TRANSACTIONS.exec(req.pathname);
    if (m) {
      const wallet = wallets.get(m[1] ?? '');
      if (!wallet) return refuse(404, `wallet ${m[1]} not found`);
      const routeKind = req.pathname.endsWith('/signatures') ? 'signatures' : 'transactions';
      if (req.method === 'POST') return createRequest(user, wallet, routeKind, body);
      const items = [...requests.values()].filter(
        (r) => r.walletId === wallet.id && r.route === routeKind,
      );
      // Pages as DFNS pages: `limit`, an opaque `paginationToken`, `nextPageToken` while more remain.
      const limit = Math.min(Math.max(Number(req.query.get('limit') ?? 100) || 100, 1), 100);
      const token = req.query.get('paginationToken');
      const start = token ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0 : 0;
      const page = items.slice(start, start + limit);
      const next = start + limit < items.length ? start + limit : null;
      return {
        status: 200,
        body: {
          walletId: wallet.id,
          items: page.map(requestView),
          ...(next !== null
            ? { nextPageToken: Buffer.from(String(next), 'utf8').toString('base64url') }
            : {}),
        },
      };
    }
    m = ROUTE_SIGNATURE.exec(req.pathname) ?? ROUTE_TRANSACTION.exec(req.pathname);
    if (m && req.method === 'GET') {
      const r = requests.get(m[2] ?? '');
      if (!r || r.walletId !== m[1]) return refuse(404, `request ${m[2]} not found`);
      await sleep(misbehaviour.latencyMs);
      return { status: 200, body: requestView(r) };
    }
    m = ROUTE_WALLET.exec(req.pathname);
    if (m && req.method === 'GET') {
      const wallet = wallets.get(m[1] ?? '');
      if (!wallet) return refuse(404, `wallet ${m[1]} not found`);
      return { status: 200, body: walletView(wallet) };
    }
    if (req.method === 'GET' && req.pathname === '/v2/policy-approvals') {
      const status = req.query.get('status');
      const items = [...approvals.values()].filter((a) => !status || a.status === status);
      return { status: 200, body: { items: items.map(approvalView) } };
    }
    m = ROUTE_APPROVAL.exec(req.pathname);
    if (m && req.method === 'GET') {
      const a = approvals.get(m[1] ?? '');
      if (!a) return refuse(404, `approval ${m[1]} not found`);
      return { status: 200, body: approvalView(a) };
    }
    m = ROUTE_DECISIONS.exec(req.pathname);
    if (m && req.method === 'POST') {
      const a = approvals.get(m[1] ?? '');
      if (!a) return refuse(404, `approval ${m[1]} not found`);
      if (a.status !== 'Pending')
        return refuse(400, `approval ${a.id} is ${a.status}, not Pending`);
      if (a.initiatorId === user.userId)
        return refuse(403, 'the initiator of a request cannot approve it');
      if (a.decisions.some((d) => d.userId === user.userId))
        return refuse(400, 'this user already decided on this approval');
      const value = body['value'];
      if (value !== 'Approved' && value !== 'Denied')
        return refuse(400, '"value" must be Approved or Denied');
      const reason = typeof body['reason'] === 'string' ? body['reason'] : undefined;
      a.decisions.push({ userId: user.userId, value, reason, date: new Date().toISOString() });
      const target = requests.get(a.requestId);
      if (value === 'Approved') {
        a.status = 'Approved';
        if (target) await execute(target);
      } else {
        a.status = 'Denied';
        if (target) {
          target.status = 'Rejected';
          target.reason = reason ?? 'denied by approver';
        }
      }
      return { status: 200, body: approvalView(a) };
    }
    return refuse(404, `no route for ${req.method} ${req.pathname}`);
  }

  const server = await startJsonServer(route);
  return {
    url: server.url,
    misbehaviour,
    createRequests: (walletId) =>
      walletId === undefined
        ? [...createCount.values()].reduce((a, b) => a + b, 0)
        : (createCount.get(walletId) ?? 0),
    requests: (walletId) =>
      [...requests.values()]
        .filter((r) => walletId === undefined || r.walletId === walletId)
        .map((r) => ({ id: r.id, status: r.status, externalId: r.externalId })),
    setPolicy: (walletId, policy) => {
      const w = wallets.get(walletId);
      if (!w) throw new Error(`no wallet ${walletId}`);
      w.policy = policy;
    },
    addressOf: (walletId) => {
      const w = wallets.get(walletId);
      if (!w) throw new Error(`no wallet ${walletId}`);
      return w.key.account.address;
    },
    refusals,
    close: () => server.close(),
  };
}

export type DfnsCredentialKind = 'ed25519' | 'p256' | 'rsa';

/** A fresh service-account credential: the stand-in gets the public half, the client the private PEM. */
export function newDfnsCredential(
  kind: DfnsCredentialKind,
  credId = `cr-${kind}-${randomUUID()}`,
): DfnsCredential & { readonly privateKeyPem: string } {
  const pair =
    kind === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : kind === 'p256'
        ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
        : generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    credId,
    publicKeyPem: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}
