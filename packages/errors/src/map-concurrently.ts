/**
 * Runs one async job per item, at most `limit` at once, and returns the results in the items'
 * order whatever order they finish in. Shared by the evidence re-hash, the load's file
 * measurement and the hunt's detections, which all want bounded overlap and ordered results.
 */

/** `fn` for every item, at most `limit` in flight; results by index. A job that throws rejects the whole call. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await fn(items[index]!, index);
  };
  const workers = Math.max(1, Math.min(Math.floor(limit), items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  return results;
}
