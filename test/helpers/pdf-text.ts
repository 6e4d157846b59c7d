/**
 * The text of a PDF as a reader's viewer extracts it (pdf.js, through the unpdf package): what
 * copy, search and screen readers get. pdf.js is an ES module, which Jest's CommonJS runtime
 * cannot import, so it runs in a Node process of its own (pdf-text-reader.ts beside this file).
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT } from './paths';

export function pdfText(pdf: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(__dirname, 'pdf-text-reader.ts')], {
      cwd: ROOT, // where tsx resolves
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(Buffer.concat(out).toString('utf8'))
        : reject(new Error(`pdf text extraction failed (${code}): ${Buffer.concat(err).toString('utf8')}`)),
    );
    child.stdin.end(pdf);
  });
}

/** The text with its lines run together, as a sentence broken across lines on paper reads. */
export const runTogether = (text: string) => text.replace(/\s*\n\s*/g, '');
