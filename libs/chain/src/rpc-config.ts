import { z } from 'zod';

/** `31337=http://a:8545,http://b:8545;1=https://…`: RPC upstreams per chain id, in preference order. */
export const chainRpcUrls = () =>
  z.string().transform((raw, ctx) => {
    const out: Record<number, string[]> = {};
    // Entries are never echoed: hosted RPC URLs carry API keys.
    const parts = raw
      .split(';')
      .map((p) => p.trim())
      .filter(Boolean);
    for (const [index, part] of parts.entries()) {
      const [id, urls] = part.split('=', 2);
      const chainId = Number(id);
      const list = (urls ?? '')
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      if (
        !Number.isInteger(chainId) ||
        chainId <= 0 ||
        list.length === 0 ||
        !list.every((u) => /^https?:\/\//.test(u))
      ) {
        ctx.addIssue({
          code: 'custom',
          message: `entry ${index + 1} must be <chainId>=<http(s) url>[,<url>…]`,
        });
        return z.NEVER;
      }
      out[chainId] = list;
    }
    if (Object.keys(out).length === 0) {
      ctx.addIssue({ code: 'custom', message: 'must name at least one chain' });
      return z.NEVER;
    }
    return out;
  });
