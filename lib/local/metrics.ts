/**
 * The local stack's CloudWatch: running totals of every metric the functions emitted since start,
 * read from the same Embedded Metric Format lines Powertools Metrics writes to stdout in Lambda, so
 * names, units and dimensions are exactly those of AWS (`GET /local/metrics` shows them).
 *
 * The one seam is where those lines are read:
 * - functions running in this process write to `process.stdout`: `captureStdout` wraps its `write`
 *   while a stack runs, counts EMF lines and passes every other line through untouched;
 * - a function running elsewhere (a worker thread, a child process) has its own stdout stream:
 *   `readStream` reads it line by line the same way.
 */
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export interface LocalMetric {
  name: string;
  unit: string;
  /** One CloudWatch metric per dimension set, as in AWS: `service` always, then the set's dimensions. */
  dimensions: Record<string, string>;
  /** Sum of the values emitted. */
  value: number;
  /** How many values were emitted (for averages of latencies). */
  samples: number;
}

interface EmfLine {
  _aws?: { CloudWatchMetrics?: Array<{ Dimensions?: string[][]; Metrics?: Array<{ Name: string; Unit?: string }> }> };
  [key: string]: unknown;
}

export class MetricTotals {
  private readonly totals = new Map<string, LocalMetric>();

  /** Counts one stdout line if it is EMF; false (and nothing counted) otherwise. */
  ingest(line: string): boolean {
    const text = line.trim();
    if (!text.startsWith('{') || !text.includes('"_aws"')) return false;
    let emf: EmfLine;
    try {
      emf = JSON.parse(text) as EmfLine;
    } catch {
      return false;
    }
    const directives = emf._aws?.CloudWatchMetrics;
    if (!Array.isArray(directives)) return false;
    for (const d of directives) {
      for (const metric of d.Metrics ?? []) {
        const raw = emf[metric.Name];
        const values = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
        for (const set of d.Dimensions ?? [[]]) {
          const dimensions = Object.fromEntries(set.map((k) => [k, String(emf[k])]).sort(([a], [b]) => a!.localeCompare(b!)));
          const key = `${metric.Name}|${JSON.stringify(dimensions)}`;
          const total = this.totals.get(key) ?? { name: metric.Name, unit: metric.Unit ?? 'None', dimensions, value: 0, samples: 0 };
          for (const v of values) {
            total.value += v;
            total.samples++;
          }
          this.totals.set(key, total);
        }
      }
    }
    return true;
  }

  /** Every total, by name then dimensions. */
  list(): LocalMetric[] {
    return [...this.totals.values()]
      .map((m) => ({ ...m, dimensions: { ...m.dimensions } }))
      .sort((a, b) => a.name.localeCompare(b.name) || JSON.stringify(a.dimensions).localeCompare(JSON.stringify(b.dimensions)));
  }
}

const listeners = new Set<MetricTotals>();
let originalWrite: typeof process.stdout.write | undefined;

/**
 * Counts the EMF lines written to this process's stdout into `totals` (and keeps them off the
 * terminal: `GET /local/metrics` shows them) until the returned function is called. Several stacks
 * in one process share one wrapper.
 */
export function captureStdout(totals: MetricTotals): () => void {
  listeners.add(totals);
  if (!originalWrite) {
    const write = process.stdout.write;
    originalWrite = write;
    process.stdout.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]): boolean {
      // Powertools writes one whole EMF line per call; anything else goes out as it came.
      if (typeof chunk === 'string' && chunk.includes('"_aws"')) {
        const kept = chunk.split('\n').filter((line) => ![...listeners].map((l) => l.ingest(line)).some(Boolean) && line !== '');
        if (!kept.length) {
          const cb = rest.find((r): r is () => void => typeof r === 'function');
          cb?.();
          return true;
        }
        chunk = kept.join('\n') + '\n';
      }
      return (write as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
    } as typeof process.stdout.write;
  }
  return () => {
    listeners.delete(totals);
    if (!listeners.size && originalWrite) {
      process.stdout.write = originalWrite;
      originalWrite = undefined;
    }
  };
}

/** Reads another process's or worker's stdout: EMF lines are counted, the others handed to `passThrough`. */
export function readStream(stream: Readable, totals: MetricTotals, passThrough: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): void {
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
    if (!totals.ingest(line)) passThrough(line);
  });
}
