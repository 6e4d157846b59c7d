/**
 * `npm run backup [-- <directory>]`: a consistent online backup of the projection (duban.db), the
 * embedded Temporal server's file (temporal.db) and the attachments, while Duban runs. Default
 * target: <data>/backups/<time>. With an external cluster, its own backup covers the workflows.
 */
import path from 'node:path';
import { backupData } from '../core/backup';
import { loadConfigOrExit } from '../core/config';

async function main() {
  const config = loadConfigOrExit();
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const to = path.resolve(process.argv[2] ?? path.join(config.dataDir, 'backups', stamp));
  const manifest = await backupData(
    {
      databaseFile: config.databaseUrl.replace(/^file:/, ''),
      temporalDbFile: config.temporal.externalAddress ? undefined : path.join(config.dataDir, 'temporal.db'),
      attachmentsDir: config.attachments.dir,
    },
    to,
  );
  console.log(
    `duban: backup in ${to}: ${manifest.files.map((f) => f.name).join(', ')}, ` +
      `${manifest.attachments} attachment file(s), ${manifest.directives} directive(s)`,
  );
}

main().catch((err) => {
  console.error(`duban: backup failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
