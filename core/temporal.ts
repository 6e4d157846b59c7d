/**
 * Connections to Temporal from one config: the client (the API, the supervisor, scripts). The
 * worker's native connection is in worker/connection.ts, so that nothing else loads the SDK's
 * native worker runtime (~50 MB) for it.
 */
import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { DataConverter } from '@temporalio/common';
import type { Config } from './config';
import { createEncryptionCodec } from './payload-codec';

type TemporalSettings = Config['temporal'];

export function tlsOptions(tls: TemporalSettings['tls']): ConnectionOptions['tls'] {
  if (!tls) return undefined;
  return {
    serverNameOverride: tls.serverName,
    serverRootCACertificate: tls.caPath ? fs.readFileSync(tls.caPath) : undefined,
    clientCertPair:
      tls.certPath && tls.keyPath
        ? { crt: fs.readFileSync(tls.certPath), key: fs.readFileSync(tls.keyPath) }
        : undefined,
  };
}

/**
 * What client and worker put in every payload: encrypted when PAYLOAD_KEYS is set (see
 * core/payload-codec.ts), so both sides must be given the same keys.
 */
export function temporalDataConverter(settings: TemporalSettings): DataConverter | undefined {
  const keys = settings.payloadEncryption;
  return keys ? { payloadCodecs: [createEncryptionCodec(keys)] } : undefined;
}

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({
    address: settings.address,
    tls: tlsOptions(settings.tls),
    apiKey: settings.apiKey,
  });
  return new Client({
    connection,
    namespace: settings.namespace,
    dataConverter: temporalDataConverter(settings),
  });
}
