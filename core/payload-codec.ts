/**
 * Payload encryption: every payload Duban hands Temporal (workflow and update arguments, results,
 * activity inputs, query answers, failure details) is sealed with AES-256-GCM before it leaves the
 * process, so the Temporal server and its database hold titles, comments and names only as
 * ciphertext. Client and worker run the same codec; the API's /codec endpoint runs it for the
 * Temporal Web UI (api/routes/codec.ts).
 *
 * An encrypted payload:
 *   metadata.encoding          = "binary/encrypted"
 *   metadata.encryption-key-id = the id of the key that sealed it (e.g. "k2026")
 *   data                       = iv (12 random bytes) ‖ ciphertext ‖ GCM tag (16 bytes)
 * The plaintext is the whole original Payload (protobuf), so its own metadata (json/plain, the
 * message type) is hidden too and comes back unchanged. The key id is authenticated as GCM
 * additional data: relabelling a payload with another key id fails like any tampering.
 *
 * Rotation: keep the old key among the keys and encrypt with the new one; payloads sealed under
 * the old id still open, by the id they carry. A payload without the encrypted encoding is passed
 * through untouched: histories recorded before encryption was switched on (test/history_files)
 * still replay.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { METADATA_ENCODING_KEY, ValueError, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const ALGORITHM = 'aes-256-gcm';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKeys {
  /** Every key a payload may have been sealed with, by id; each exactly 32 bytes. */
  keys: Record<string, Buffer>;
  /** The key new payloads are sealed with; must be among `keys`. */
  currentKeyId: string;
}

const utf8 = (bytes: Uint8Array | null | undefined) =>
  bytes ? Buffer.from(bytes).toString('utf8') : undefined;

export function createEncryptionCodec({ keys, currentKeyId }: EncryptionKeys): PayloadCodec {
  for (const [id, key] of Object.entries(keys)) {
    if (key.length !== KEY_BYTES) {
      throw new ValueError(`encryption key ${id} is ${key.length} bytes; AES-256 needs ${KEY_BYTES}`);
    }
  }
  const sealingKey = keys[currentKeyId];
  if (!sealingKey) throw new ValueError(`the current encryption key ${currentKeyId} is not among the keys`);
  const current = Buffer.from(sealingKey);
  const currentId = Buffer.from(currentKeyId, 'utf8');
  // A copy, so that keys changed by the caller afterwards cannot change what this codec opens.
  const known = new Map(Object.entries(keys).map(([id, key]) => [id, Buffer.from(key)]));

  function seal(payload: Payload): Payload {
    const plaintext = temporal.api.common.v1.Payload.encode(payload).finish();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, current, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(currentId);
    const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
    return {
      metadata: {
        [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING, 'utf8'),
        [KEY_ID_METADATA]: currentId,
      },
      data: Buffer.concat([iv, ciphertext, cipher.getAuthTag()]),
    };
  }

  function open(payload: Payload): Payload {
    if (utf8(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
    const keyId = utf8(payload.metadata?.[KEY_ID_METADATA]);
    if (!keyId) throw new ValueError(`加密数据缺少密钥编号（${KEY_ID_METADATA}）`);
    const key = known.get(keyId);
    if (!key) {
      throw new ValueError(
        `数据以密钥 ${keyId} 加密，而本处未配置该密钥（已配置：${[...known.keys()].join('、')}）；` +
          '请将该密钥重新加入 PAYLOAD_KEYS 后再读取',
      );
    }
    const data = Buffer.from(payload.data ?? new Uint8Array());
    if (data.length < IV_BYTES + TAG_BYTES) {
      throw new ValueError(`加密数据（密钥 ${keyId}）过短，容不下初始向量和认证标签`);
    }
    const decipher = createDecipheriv(ALGORITHM, key, data.subarray(0, IV_BYTES), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(keyId, 'utf8'));
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
    let plaintext: Buffer;
    try {
      plaintext = Buffer.concat([
        decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
    } catch {
      throw new ValueError(
        `加密数据（密钥 ${keyId}）未通过认证：数据已被改动，或该编号下配置的密钥并非加密时所用的密钥`,
      );
    }
    return temporal.api.common.v1.Payload.decode(plaintext);
  }

  return {
    // A throw inside the executor becomes a rejected promise, which is what callers of a codec expect.
    encode: (payloads) => new Promise((resolve) => resolve(payloads.map(seal))),
    decode: (payloads) => new Promise((resolve) => resolve(payloads.map(open))),
  };
}
