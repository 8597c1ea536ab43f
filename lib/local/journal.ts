/**
 * The local stack's journals (bus deliveries, queue messages): a JSON file replaced whole (write, fsync,
 * rename), so a process stopped mid-write leaves the previous version, never half of one.
 */
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';

export function writeJournal(file: string, value: unknown): void {
  const tmp = `${file}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(value));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

export function readJournal<T>(file: string | undefined): T | undefined {
  return file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined;
}
