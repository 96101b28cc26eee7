// Waiting with a deadline, never a fixed sleep: a check that throws counts as "not yet".

export async function eventually(what: string, check: () => Promise<boolean>, seconds = 30): Promise<void> {
  await eventuallyValue(what, async () => ((await check()) ? true : null), seconds);
}

/** The first value `probe` gives that is not null. */
export async function eventuallyValue<T>(what: string, probe: () => Promise<T | null>, seconds = 30): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    const value = await probe().catch(() => null);
    if (value !== null) return value;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what}: not within ${seconds} s`);
}
