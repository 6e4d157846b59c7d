/**
 * Reads a PDF on standard input and writes its text on standard output, with pdf.js through
 * unpdf. Run by pdf-text.ts as a process of its own (`node --import tsx`): unpdf loads pdf.js as
 * an ES module, which plain Node does from CommonJS and Jest's runtime does not.
 */
import { extractText, getDocumentProxy } from 'unpdf';

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const pdf = await getDocumentProxy(new Uint8Array(Buffer.concat(chunks)));
  const { text } = await extractText(pdf, { mergePages: true });
  process.stdout.write(text);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
