/**
 * Runs `fn` over `items` with at most `limit` in flight, results in input order (Terraform's
 * `-parallelism`). After the first failure no new item starts; the ones in flight finish, then
 * the first error is thrown and `onLaterError` hears about the others.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  onLaterError: (error: unknown) => void = () => undefined,
): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) {
    throw new TypeError(`parallelism must be an integer ≥ 1, got ${String(limit)}`);
  }
  const results = new Array<R>(items.length);
  const errors: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (errors.length === 0 && next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (e) {
        errors.push(e);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (errors.length > 0) {
    for (const e of errors.slice(1)) onLaterError(e);
    throw errors[0];
  }
  return results;
}
