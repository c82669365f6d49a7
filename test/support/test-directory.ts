import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/*
 * Every directory a test file makes (cloud assemblies, token files) goes under one root per test file, which is
 * removed after the file's tests: a run leaves nothing in the temp directory. Jest loads this module before every
 * test file (setupFilesAfterEnv), so the hook below is registered in each.
 */

let root: string | undefined;

/** A new, empty directory that is removed after this test file. */
export function testDirectory(prefix: string): string {
  root ??= fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-irsa-test-'));
  return fs.mkdtempSync(path.join(root, `${prefix}-`));
}

/** A file with `content` in a new test directory. */
export function testFile(name: string, content: string): string {
  const file = path.join(testDirectory('file'), name);
  fs.writeFileSync(file, content);
  return file;
}

afterAll(() => {
  if (root) fs.rmSync(root, { recursive: true, force: true });
  root = undefined;
});
