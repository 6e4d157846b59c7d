/**
 * The payload codec seals what Temporal stores and opens it again with the right key; its keys
 * come from PAYLOAD_KEYS / PAYLOAD_KEY_ID, checked at start-up.
 */
import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { ConfigError, loadConfig } from '../../core/config';
import { createEncryptionCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA } from '../../core/payload-codec';

const k2025 = randomBytes(32);
const k2026 = randomBytes(32);
const TITLE = '国务院关于加强政务诚信建设的指导意见';
const registration = defaultPayloadConverter.toPayload({
  document: { docNumber: '国发〔2016〕76号', title: TITLE },
  registeredBy: { userId: 'u-huangweiyan', displayName: '黄炜演' },
});

const text = (bytes: Uint8Array | null | undefined) => Buffer.from(bytes ?? []).toString('utf8');
const value = (payload: Payload) => defaultPayloadConverter.fromPayload(payload);

test('a sealed payload hides the title and the name, and opens to the same payload', async () => {
  const codec = createEncryptionCodec({ keys: { k2026 }, currentKeyId: 'k2026' });
  const [sealed] = await codec.encode([registration]);
  expect(text(sealed!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
  expect(text(sealed!.metadata![KEY_ID_METADATA])).toBe('k2026');
  expect(text(sealed!.data)).not.toContain(TITLE);
  expect(text(sealed!.data)).not.toContain('黄炜演');
  // iv (12) ‖ the whole original payload, encrypted ‖ tag (16)
  const original = temporal.api.common.v1.Payload.encode(registration).finish();
  expect(sealed!.data!.length).toBe(12 + original.length + 16);

  const [opened] = await codec.decode([sealed!]);
  expect(text(opened!.metadata!.encoding)).toBe('json/plain');
  expect(value(opened!)).toEqual(value(registration));
});

test('the same payload sealed twice looks different (a fresh iv each time)', async () => {
  const codec = createEncryptionCodec({ keys: { k2026 }, currentKeyId: 'k2026' });
  const [a, b] = await codec.encode([registration, registration]);
  expect(Buffer.from(a!.data!).equals(Buffer.from(b!.data!))).toBe(false);
});

test('after rotation to a new key, payloads sealed under the old key still open', async () => {
  const before = createEncryptionCodec({ keys: { k2025 }, currentKeyId: 'k2025' });
  const after = createEncryptionCodec({ keys: { k2025, k2026 }, currentKeyId: 'k2026' });
  const [old] = await before.encode([registration]);
  const [fresh] = await after.encode([registration]);
  expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2026');
  const opened = await after.decode([old!, fresh!]);
  expect(opened.map(value)).toEqual([value(registration), value(registration)]);
});

test('a payload under a key id no longer configured fails, naming the id', async () => {
  const [old] = await createEncryptionCodec({ keys: { k2025 }, currentKeyId: 'k2025' }).encode([
    registration,
  ]);
  const withoutOld = createEncryptionCodec({ keys: { k2026 }, currentKeyId: 'k2026' });
  await expect(withoutOld.decode([old!])).rejects.toThrow(
    /以密钥 k2025 加密，而本处未配置该密钥（已配置：k2026）/,
  );
});

test('payloads never encrypted (histories recorded before) pass through untouched', async () => {
  const codec = createEncryptionCodec({ keys: { k2026 }, currentKeyId: 'k2026' });
  const binary: Payload = { metadata: { encoding: Buffer.from('binary/null') } };
  const [json, none] = await codec.decode([registration, binary]);
  expect(json).toBe(registration);
  expect(none).toBe(binary);
});

describe('tampering is detected', () => {
  const codec = createEncryptionCodec({ keys: { k2025, k2026 }, currentKeyId: 'k2026' });
  const flip = (bytes: Uint8Array, at: (length: number) => number) => {
    const copy = Buffer.from(bytes);
    const i = at(copy.length);
    copy[i] = copy[i]! ^ 0x01;
    return copy;
  };

  test.each([
    ['a ciphertext byte', (p: Payload) => ({ ...p, data: flip(p.data!, () => 20) })],
    ['the iv', (p: Payload) => ({ ...p, data: flip(p.data!, () => 0) })],
    ['the tag', (p: Payload) => ({ ...p, data: flip(p.data!, (n) => n - 1) })],
    [
      'the key id (relabelled to the other configured key)',
      (p: Payload) => ({ ...p, metadata: { ...p.metadata, [KEY_ID_METADATA]: Buffer.from('k2025') } }),
    ],
    ['a truncated payload', (p: Payload) => ({ ...p, data: Buffer.from(p.data!).subarray(0, 20) })],
  ])('altering %s makes decoding fail', async (_what, alter) => {
    const [sealed] = await codec.encode([registration]);
    await expect(codec.decode([alter(sealed!)])).rejects.toThrow(/未通过认证|过短/);
  });
});

test('a key that is not 32 bytes, or a current key not among the keys, is refused', () => {
  expect(() => createEncryptionCodec({ keys: { short: randomBytes(16) }, currentKeyId: 'short' })).toThrow(
    /short is 16 bytes; AES-256 needs 32/,
  );
  expect(() => createEncryptionCodec({ keys: { k2026 }, currentKeyId: 'k2025' })).toThrow(
    /k2025 is not among the keys/,
  );
});

describe('PAYLOAD_KEYS and PAYLOAD_KEY_ID', () => {
  const b64 = (key: Buffer) => key.toString('base64');
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  };

  test('unset: no encryption (development only)', () => {
    expect(loadConfig({}).temporal.payloadEncryption).toBeUndefined();
  });

  test('two keys and the one to encrypt with', () => {
    const config = loadConfig({
      PAYLOAD_KEYS: `k2026:${b64(k2026)}, k2025:${b64(k2025)}`,
      PAYLOAD_KEY_ID: 'k2026',
    });
    expect(config.temporal.payloadEncryption).toEqual({ keys: { k2026, k2025 }, currentKeyId: 'k2026' });
  });

  test('a single key is the one to encrypt with', () => {
    expect(loadConfig({ PAYLOAD_KEYS: `k2026:${b64(k2026)}` }).temporal.payloadEncryption?.currentKeyId).toBe(
      'k2026',
    );
  });

  test.each([
    [
      'a 16-byte key',
      'PAYLOAD_KEYS',
      { PAYLOAD_KEYS: `k2026:${b64(randomBytes(16))}` },
      /key k2026 is 16 bytes/,
    ],
    [
      'a key without its id',
      'PAYLOAD_KEYS',
      { PAYLOAD_KEYS: b64(k2026) },
      /entry 1 must be <key id>:<base64/,
    ],
    [
      'the same id twice',
      'PAYLOAD_KEYS',
      { PAYLOAD_KEYS: `k2026:${b64(k2026)},k2026:${b64(k2025)}` },
      /appears twice/,
    ],
    [
      'two keys and no PAYLOAD_KEY_ID',
      'PAYLOAD_KEY_ID',
      { PAYLOAD_KEYS: `k2026:${b64(k2026)},k2025:${b64(k2025)}` },
      /must name the key to encrypt with/,
    ],
    [
      'a PAYLOAD_KEY_ID not among the keys',
      'PAYLOAD_KEY_ID',
      { PAYLOAD_KEYS: `k2026:${b64(k2026)}`, PAYLOAD_KEY_ID: 'k2024' },
      /k2024 is not among PAYLOAD_KEYS/,
    ],
    ['a PAYLOAD_KEY_ID without keys', 'PAYLOAD_KEY_ID', { PAYLOAD_KEY_ID: 'k2026' }, /PAYLOAD_KEYS is not/],
    [
      'a codec origin with a path',
      'CODEC_CORS_ORIGINS',
      { CODEC_CORS_ORIGINS: 'http://127.0.0.1:8233/' },
      /must be origins/,
    ],
  ])('%s is refused, naming %s', (_what, variable, env, reason) => {
    const found = problems(env);
    expect(found).toEqual([{ variable, reason: expect.stringMatching(reason) }]);
    // The key material itself never appears in a message.
    expect(JSON.stringify(found)).not.toContain(b64(k2026));
  });

  test('the codec origins default to the embedded Temporal UI, and are none for a cluster', () => {
    expect(loadConfig({}).codecCorsOrigins).toEqual(['http://127.0.0.1:8233', 'http://localhost:8233']);
    expect(loadConfig({ TEMPORAL_ADDRESS: 'temporal.example.org:7233' }).codecCorsOrigins).toEqual([]);
    expect(
      loadConfig({ CODEC_CORS_ORIGINS: 'https://temporal.example.org, http://10.0.0.5:8080' })
        .codecCorsOrigins,
    ).toEqual(['https://temporal.example.org', 'http://10.0.0.5:8080']);
  });
});
