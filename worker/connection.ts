/** The worker's native connection to Temporal, from the same settings as the clients'. */
import { NativeConnection } from '@temporalio/worker';
import type { Config } from '../core/config';
import { tlsOptions } from '../core/temporal';

export function connectWorker(settings: Config['temporal']): Promise<NativeConnection> {
  return NativeConnection.connect({
    address: settings.address,
    tls: tlsOptions(settings.tls),
    apiKey: settings.apiKey,
  });
}
