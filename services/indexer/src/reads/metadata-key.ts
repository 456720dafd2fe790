/** One metadata entry of an asset as the reads show it. */
export interface MetadataEntry {
  /** The key as text (`"faceValue"`), or the raw hex when the key is not text. */
  readonly key: string;
  readonly value: string;
  /** The bytes32 key exactly as stored on chain (`setMetadataValue(bytes32, string)`). */
  readonly raw: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });
// Control characters (C0, DEL, C1) and other unprintable code points make a key not text.
const unprintable = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}]/u;

/**
 * The text of a bytes32 metadata key: Solidity stores a string literal key
 * (`"faceValue"`) left-aligned and right-padded with zero bytes. Returns null
 * when the bytes are not that (a hash, a number, text with a zero inside, or
 * invalid UTF-8), so such keys stay hex rather than turning into mojibake.
 */
export function decodeMetadataKey(raw: string): string | null {
  if (!/^0x[0-9a-fA-F]{64}$/.test(raw)) return null;
  const bytes = Buffer.from(raw.slice(2), 'hex');
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  if (end === 0) return null;
  const body = bytes.subarray(0, end);
  if (body.includes(0)) return null;
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    return null;
  }
  return unprintable.test(text) ? null : text;
}

/**
 * The stored metadata (bytes32 hex key → value) as entries sorted by key. A key
 * that decodes is at most 32 bytes of text and a raw one is 66 characters of
 * hex, so a decoded key never equals another entry's raw key.
 */
export function metadataEntries(stored: Record<string, string> | null): MetadataEntry[] {
  return Object.entries(stored ?? {})
    .map(([raw, value]) => ({ key: decodeMetadataKey(raw) ?? raw.toLowerCase(), value, raw }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
