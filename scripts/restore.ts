/**
 * `npm run restore -- <backup directory>`: puts a backup into DUBAN_DATA_DIR, which must hold no
 * databases yet (a fresh instance; stop Duban first). Then `npm start` carries every directive on.
 */
import path from 'node:path';
import { restoreData } from '../core/backup';
import { loadConfigOrExit } from '../core/config';

function main() {
  const config = loadConfigOrExit();
  const from = process.argv[2];
  if (!from) throw new Error('name the backup directory: npm run restore -- <directory>');
  const manifest = restoreData(path.resolve(from), config.dataDir, config.databaseUrl.replace(/^file:/, ''));
  console.log(
    `duban: restored the backup of ${manifest.takenAt} into ${config.dataDir}: ` +
      `${manifest.directives} directive(s), ${manifest.attachments} attachment file(s)`,
  );
}

try {
  main();
} catch (err) {
  console.error(`duban: restore failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
