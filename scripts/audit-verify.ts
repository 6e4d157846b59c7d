/**
 * `npm run audit:verify [-- --head <hash>]`: recomputes the audit trail's hash chain in the
 * configured database and checks every timeline row it records. Prints the entries checked and the
 * head (the last entry's hash: write it down, outside this machine; entries deleted at the end are
 * found only against a head recorded earlier, given with --head). Exits 1 naming the first entry
 * altered or missing, 2 when it cannot check.
 */
import { verifyAuditChain } from '../core/audit';
import { loadConfigOrExit } from '../core/config';
import { openDatabase } from '../core/database';

function expectedHead(args: string[]): string | undefined {
  const at = args.indexOf('--head');
  if (at === -1) return undefined;
  const head = args[at + 1] ?? '';
  if (!/^[0-9a-f]{64}$/.test(head)) {
    console.error('duban: --head takes a sha256 hash recorded earlier (64 hex digits)');
    process.exit(2);
  }
  return head;
}

async function main() {
  const config = loadConfigOrExit();
  const head = expectedHead(process.argv.slice(2));
  const db = openDatabase(config.databaseUrl);
  try {
    const result = await verifyAuditChain(db, head ? { expectHead: head } : {});
    console.log(
      `duban: audit trail: ${result.entries} entries checked, ${result.timelineRows} timeline rows against them` +
        (result.unsealed
          ? `, ${result.unsealed} at the end not yet sealed (the next append seals them)`
          : ''),
    );
    console.log(
      result.head
        ? `duban: head #${result.head.id} ${result.head.hash}`
        : 'duban: head: none (no sealed entry)',
    );
    if (result.ok) {
      console.log('duban: the chain is intact');
      return;
    }
    const [first, ...more] = result.problems;
    console.error(`duban: FIRST PROBLEM: ${first!.message}`);
    for (const p of more) console.error(`duban: then: ${p.message}`);
    process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(`duban: audit verification failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
