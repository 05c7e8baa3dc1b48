import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIGRATIONS } from './data-source';

const directory = join(__dirname, 'migrations');
const files = readdirSync(directory)
  .filter((file) => file.endsWith('.ts'))
  .sort();

/** As `sha256sum` prints it for the file checked out with LF line endings. */
const sha256 = (file: string) =>
  createHash('sha256')
    .update(readFileSync(join(directory, file), 'utf8').replace(/\r\n/g, '\n'))
    .digest('hex');

describe('migrations', () => {
  it('are all registered, in the order of their timestamps', () => {
    const expected = files.map((file) => {
      const [, timestamp, name] = /^(\d{13})-(\w+)\.ts$/.exec(file) ?? [file, '', file];
      return `${name}${timestamp}`;
    });
    expect(MIGRATIONS.map((migration) => migration.name)).toStrictEqual(expected);
  });

  /**
   * An installation that applied a migration never runs it again, so an edit to a released one
   * reaches only new installations and the two drift apart. A change to the schema is a new
   * migration; a new one is added to the list with
   * `sha256sum <file> >> ../released-migrations.sha256` (from the migrations folder).
   */
  it('are not edited once released: each matches its line in released-migrations.sha256', () => {
    const released = readFileSync(join(__dirname, 'released-migrations.sha256'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).reverse());
    expect(Object.fromEntries(files.map((file) => [file, sha256(file)]))).toStrictEqual(
      Object.fromEntries(released),
    );
  });
});
