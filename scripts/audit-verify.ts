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
    console.error('duban: --head 须为此前记下的 sha256 哈希（64 位十六进制数）');
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
      `duban: 审计日志：已核验 ${result.entries} 条审计记录及其对应的 ${result.timelineRows} 条办理记录` +
        (result.unsealed ? `；末尾 ${result.unsealed} 条尚未封存（下一次写入时封存）` : ''),
    );
    console.log(
      result.head
        ? `duban: 末条 #${result.head.id} ${result.head.hash}（请另行记下，以便日后核验）`
        : 'duban: 末条：无（尚无封存的记录）',
    );
    if (result.ok) {
      console.log('duban: 哈希链完整，未发现改动');
      return;
    }
    const [first, ...more] = result.problems;
    console.error(`duban: 首个问题：${first!.message}`);
    for (const p of more) console.error(`duban: 其后：${p.message}`);
    process.exitCode = 1;
  } finally {
    await db.$disconnect();
  }
}

main().catch((err) => {
  console.error(`duban: 无法核验审计日志：${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
