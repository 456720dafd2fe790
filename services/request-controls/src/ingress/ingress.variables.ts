import { shapes, variable } from '@keel/config';

/** Kafka ingress settings (spread into the service's variables). */
export const ingressVariables = {
  ingressReplayWindowSeconds: variable({
    env: 'KEEL_INGRESS_REPLAY_WINDOW_SECONDS',
    schema: shapes.positiveInt(),
    description:
      'how far an ingress message timestamp may be from now (either way) before it is refused as stale',
    fix: 'Set KEEL_INGRESS_REPLAY_WINDOW_SECONDS to a positive number of seconds (default 300).',
    default: 300,
  }),
};
