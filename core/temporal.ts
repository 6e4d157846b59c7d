/** Connections to Temporal, for the API (client) and the worker (native), from one config. */
import fs from 'node:fs';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import { NativeConnection, type NativeConnectionOptions } from '@temporalio/worker';
import type { Config } from './config';

type TemporalSettings = Config['temporal'];

function tlsOptions(tls: TemporalSettings['tls']): ConnectionOptions['tls'] {
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

export async function connectClient(settings: TemporalSettings): Promise<Client> {
  const connection = await Connection.connect({
    address: settings.address,
    tls: tlsOptions(settings.tls),
    apiKey: settings.apiKey,
  });
  return new Client({ connection, namespace: settings.namespace });
}

export async function connectWorker(settings: TemporalSettings): Promise<NativeConnection> {
  const options: NativeConnectionOptions = {
    address: settings.address,
    tls: tlsOptions(settings.tls),
    apiKey: settings.apiKey,
  };
  return NativeConnection.connect(options);
}
