import { Inject, Injectable } from '@nestjs/common';
import type { KeelEvent } from '@keel/events';
import { type IngressBody, ingressBodySchema, verifyIngressSignature } from '@keel/ingress-client';
import { describeZodIssues, Problem } from '@keel/operations';
import type { InboxContext } from '@keel/persistence';
import type { Logger } from '@keel/telemetry';
import { AdmitOperationUseCase } from '../../../admissions/usecases/admit-operation/admit-operation.usecase';
import { AuthenticateApiKeyUseCase } from '../../../api-keys/usecases/authenticate-api-key/authenticate-api-key.usecase';
import type { RequestControlsConfig } from '../../../config';
import type { SecretBox } from '../../../crypto/secret-box';
import { CONFIG, LOGGER, SECRET_BOX } from '../../../tokens';
import { IngressRefusal, unauthenticated } from '../../ingress-refusal';
import { IngressRepository } from '../../ingress.repository';
import { openIngressSigningKey } from '../../ingress-signing-key';

type IngressMessage = KeelEvent<'keel.ingress.operations.v1'>;

/** The idempotency key of an ingress operation: one operation per key and correlation id. */
export const ingressIdempotencyKey = (apiKeyId: string, correlationId: string) =>
  `ingress:${apiKeyId}:${correlationId}`;

/**
 * Admits one operation from the ingress topic: authenticates the message
 * (HMAC of its API key's ingress signing key over `<timestamp>.<body>`), checks
 * the replay window and the message id, then validates, authorizes and binds
 * it to an operation exactly as the HTTP path does, and submits it. Every
 * outcome is answered on `keel.ingress.status.v1`, keyed by the producer's
 * correlation id; a refused message is never submitted. Runs inside the
 * inbox transaction of the message, so the answer, the replay record and the
 * submission commit together.
 */
@Injectable()
export class AdmitIngressMessageUseCase {
  constructor(
    private readonly repository: IngressRepository,
    private readonly authenticate: AuthenticateApiKeyUseCase,
    private readonly admit: AdmitOperationUseCase,
    @Inject(SECRET_BOX) private readonly box: SecretBox | null,
    @Inject(CONFIG) private readonly config: RequestControlsConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute(message: IngressMessage, tx: InboxContext): Promise<void> {
    const p = message.payload;
    let body: IngressBody | undefined;
    try {
      body = await this.authenticateMessage(message);
      const principal = await this.authenticate.principalOf(p.apiKeyId);
      if (!principal) throw unauthenticated();
      if (
        !(await this.repository.recordMessage(
          tx.manager,
          p.apiKeyId,
          body.messageId,
          body.correlationId,
        ))
      ) {
        throw new IngressRefusal(
          'REPLAYED_MESSAGE',
          `Message ${body.messageId} of this API key was received before; a message is executed at most once.`,
          'Send a new message with a new messageId (and a fresh timestamp and signature).',
          { messageId: body.messageId },
        );
      }
      const idempotencyKey = ingressIdempotencyKey(p.apiKeyId, body.correlationId);
      const admission = await this.admitOrRefuse(principal, idempotencyKey, body);
      const firstTime = await this.repository.recordOperation(tx.manager, {
        operationId: admission.operationId,
        organizationId: principal.organizationId,
        apiKeyId: p.apiKeyId,
        correlationId: body.correlationId,
        messageId: body.messageId,
      });
      if (firstTime) {
        await tx.outbox.publish(
          'keel.operation.submitted.v1',
          {
            operationId: admission.operationId,
            operationType: admission.operation.type,
            params: admission.operation.params,
            ...(admission.signer ? { signer: admission.signer } : {}),
            idempotencyKey,
            submittedBy: { kind: 'ingress', id: p.apiKeyId },
            submittedAt: new Date().toISOString(),
          },
          { organizationId: principal.organizationId, correlationId: admission.operationId },
        );
      }
      await tx.outbox.publish(
        'keel.ingress.status.v1',
        {
          correlationId: body.correlationId,
          messageId: body.messageId,
          outcome: 'accepted',
          operationId: admission.operationId,
          status: 'RECEIVED',
          at: new Date().toISOString(),
        },
        { organizationId: principal.organizationId, correlationId: body.correlationId },
      );
      this.logger.info(
        {
          apiKeyId: p.apiKeyId,
          correlationId: body.correlationId,
          operationId: admission.operationId,
          duplicate: !firstTime,
        },
        'ingress operation admitted',
      );
    } catch (err) {
      if (!(err instanceof IngressRefusal)) throw err;
      this.logger.warn(
        { apiKeyId: p.apiKeyId, correlationId: message.correlationId, code: err.code },
        'ingress message refused',
      );
      await tx.outbox.publish(
        'keel.ingress.status.v1',
        {
          correlationId: message.correlationId,
          ...(body ? { messageId: body.messageId } : {}),
          outcome: 'rejected',
          error: err.toError(),
          at: new Date().toISOString(),
        },
        { correlationId: message.correlationId },
      );
    }
  }

  /** Signature, replay window and body; the body only once the signature verified. */
  private async authenticateMessage(message: IngressMessage): Promise<IngressBody> {
    const p = message.payload;
    const key = await this.repository.findSigningKey(p.apiKeyId);
    if (!key || key.revoked) throw unauthenticated();
    if (!key.sealedKey) {
      throw new IngressRefusal(
        'INGRESS_KEY_MISSING',
        'This API key has no ingress signing key: it was issued before Kafka ingress was enabled (or while request controls had no encryption key).',
        'Issue a new API key (POST /api/v1/api-keys) and sign ingress messages with it; request controls can derive the ingress key only when it issues a key.',
        { apiKeyId: p.apiKeyId },
      );
    }
    if (!this.box) {
      this.logger.error(
        { apiKeyId: p.apiKeyId },
        'ingress message for a key with a sealed signing key, but REQUEST_CONTROLS_ENCRYPTION_KEY is not set',
      );
      throw new IngressRefusal(
        'INGRESS_UNAVAILABLE',
        'Request controls cannot verify ingress signatures right now.',
        'Ask the operator to configure REQUEST_CONTROLS_ENCRYPTION_KEY, then send the message again.',
        {},
        true,
      );
    }
    let signingKey: Buffer;
    try {
      signingKey = openIngressSigningKey(this.box, p.apiKeyId, key.sealedKey);
    } catch {
      this.logger.error(
        { apiKeyId: p.apiKeyId },
        'the sealed ingress signing key does not open (REQUEST_CONTROLS_ENCRYPTION_KEY changed?)',
      );
      throw new IngressRefusal(
        'INGRESS_KEY_MISSING',
        'The ingress signing key of this API key cannot be used any more.',
        'Issue a new API key and sign ingress messages with it.',
        { apiKeyId: p.apiKeyId },
      );
    }
    if (!verifyIngressSignature(signingKey, p.timestamp, p.body, p.signature)) {
      throw unauthenticated();
    }
    const window = this.config.ingressReplayWindowSeconds;
    const skew = Math.floor(Date.now() / 1000) - p.timestamp;
    if (Math.abs(skew) > window) {
      throw new IngressRefusal(
        'STALE_MESSAGE',
        `The message timestamp is ${Math.abs(skew)} s ${skew > 0 ? 'in the past' : 'in the future'}; at most ${window} s are accepted.`,
        'Sign each message when you send it (timestamp = now in Unix seconds) and keep the producer clock in sync (NTP).',
        { timestamp: p.timestamp, windowSeconds: window },
      );
    }
    let json: unknown;
    try {
      json = JSON.parse(p.body);
    } catch {
      throw new IngressRefusal(
        'INVALID_MESSAGE',
        'The signed body is not JSON.',
        'Sign and send the JSON of {messageId, correlationId, request: {type, params, signer?}}.',
      );
    }
    const parsed = ingressBodySchema.safeParse(json);
    if (!parsed.success) {
      const issues = describeZodIssues(parsed.error, 'body');
      throw new IngressRefusal(
        'INVALID_MESSAGE',
        `The signed body is invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        'Sign and send the JSON of {messageId, correlationId, request: {type, params, signer?}}.',
        { issues },
      );
    }
    if (parsed.data.correlationId !== message.correlationId) {
      throw new IngressRefusal(
        'INVALID_MESSAGE',
        "The envelope's correlationId differs from the signed body's.",
        'Set the envelope correlationId (and the Kafka key) to the correlationId of the body.',
      );
    }
    if (key.organizationId !== message.organizationId) {
      throw new IngressRefusal(
        'FORBIDDEN',
        'The API key does not belong to the organization named in the message envelope.',
        "Set the envelope's organizationId to the organization of the API key.",
      );
    }
    return parsed.data;
  }

  /** The HTTP admission (validation, authorization, idempotency), its problems as refusals. */
  private async admitOrRefuse(
    principal: Parameters<AdmitOperationUseCase['admitFor']>[0],
    idempotencyKey: string,
    body: IngressBody,
  ) {
    try {
      return await this.admit.admitFor(principal, idempotencyKey, body.request);
    } catch (err) {
      if (!(err instanceof Problem)) throw err;
      const category = err.init.category;
      const code =
        category === 'validation'
          ? 'INVALID_OPERATION'
          : category === 'authorization'
            ? 'FORBIDDEN'
            : category === 'conflict'
              ? 'IDEMPOTENCY_CONFLICT'
              : null;
      if (!code) throw err;
      throw new IngressRefusal(code, err.init.why, err.init.fix, {
        ...err.init.details,
        category,
      });
    }
  }
}
