import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header a signed hook request carries: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const SIGNATURE_HEADER = 'dialer-signature';
/** A signature older or newer than this is refused (a replayed request). */
export const SIGNATURE_TOLERANCE_SEC = 300;

/** The signature header value for `body` at `t` (unix seconds). */
export function signBody(secret: string, body: string | Buffer, t: number): string {
  return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`;
}

/**
 * Checks a signature header against the raw body: a timestamp within {@link SIGNATURE_TOLERANCE_SEC}
 * of `nowSec` and one `v1` that matches (compared in constant time; several `v1` are allowed while a
 * secret is being rotated). Returns why it fails, or null when it holds.
 */
export function checkSignature(secret: string, header: string | undefined, body: Buffer, nowSec: number): string | null {
  if (!header) return `missing ${SIGNATURE_HEADER} header`;
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const v1 = parts.filter(([k, v]) => k === 'v1' && v).map(([, v]) => v!);
  if (!Number.isInteger(t) || !v1.length) return `${SIGNATURE_HEADER} must be t=<unix seconds>,v1=<hex>`;
  if (Math.abs(nowSec - t) > SIGNATURE_TOLERANCE_SEC) return `the signature timestamp is more than ${SIGNATURE_TOLERANCE_SEC} s from now`;
  const expected = Buffer.from(signBody(secret, body, t).split('v1=')[1]!, 'hex');
  const ok = v1.some((v) => {
    const got = Buffer.from(v, 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
  return ok ? null : 'the signature does not match';
}

/** A new signing secret for a webhook endpoint (`whsec_` and 48 hex characters). */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString('hex')}`;
}
