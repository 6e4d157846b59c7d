/** Waits until `check` holds (a projection catching up with its workflow), or fails naming `what`. */
export async function until(check: () => Promise<boolean>, what: string, intervalMs = 25): Promise<void> {
  for (let i = 0; !(await check()); i++) {
    if (i === 200) throw new Error(`waited in vain: ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
