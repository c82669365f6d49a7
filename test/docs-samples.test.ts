import * as fs from 'fs';
import * as path from 'path';
import { ApiLocation, BatchSnippetTranslator, SnippetParameters, TypeScriptSnippet, updateParameters } from 'jsii-rosetta';
import * as ts from 'typescript';
import { testDirectory } from './support/test-directory';

// The two steps of `jsii-rosetta extract` that its package does not export, loaded from its own files so that the
// samples are cut out of the Markdown and put into their fixtures exactly as for the README.
const ROSETTA_LIB = path.dirname(require.resolve('jsii-rosetta'));
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { extractTypescriptSnippetsFromMarkdown } = require(path.join(ROSETTA_LIB, 'markdown', 'extract-snippets')) as {
  extractTypescriptSnippetsFromMarkdown(markdown: string, location: ApiLocation, strict: boolean): TypeScriptSnippet[];
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { fixturize } = require(path.join(ROSETTA_LIB, 'fixtures')) as { fixturize(snippet: TypeScriptSnippet): TypeScriptSnippet };

/*
 * Every TypeScript sample of docs/ compiles, as `jsii-rosetta extract --strict` compiles the README's: with the same
 * fixtures (rosetta/, `fixture=` in the code fence) and the same compiler, against the package as users import it
 * (the compiled lib/, which the build makes before the tests).
 */

const ROOT = path.join(__dirname, '..');
const PAGES = fs.readdirSync(path.join(ROOT, 'docs')).filter(f => f.endsWith('.md')).sort();
// The packages rosetta/extract.sh makes resolvable for the README, here for docs/.
const PACKAGES = ['aws-cdk-lib', 'constructs', 'cdk8s', 'cdk8s-plus-27', '@types/node'];

/** A directory where `cdk-irsa` and its peers resolve as in an app: the repository and its node_modules, linked. */
function compilationDirectory(): string {
  const dir = testDirectory('rosetta');
  fs.mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
  fs.symlinkSync(ROOT, path.join(dir, 'node_modules', 'cdk-irsa'));
  for (const name of PACKAGES) fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(dir, 'node_modules', name));
  return dir;
}

/** The TypeScript samples of a page of docs/, as jsii-rosetta cuts them out, put into their fixtures. */
const samplesOf = (page: string): TypeScriptSnippet[] =>
  extractTypescriptSnippetsFromMarkdown(fs.readFileSync(path.join(ROOT, 'docs', page), 'utf8'), { api: 'file', fileName: `docs/${page}` }, true)
    .map(snippet => fixturize(updateParameters(snippet, { [SnippetParameters.$PROJECT_DIRECTORY]: ROOT })));

test('docs/ has TypeScript samples on the pages that show code', () => {
  expect(PAGES.filter(page => samplesOf(page).length > 0).length).toBeGreaterThanOrEqual(6);
});

test('every TypeScript sample of docs/ compiles, and translates as the strict extract of the README requires', () => {
  const snippets = PAGES.flatMap(samplesOf);
  const failures: Array<{ at: unknown; errors: string[] }> = [];
  const batch = new BatchSnippetTranslator(snippets, { includeCompilerDiagnostics: true, compilationDirectory: compilationDirectory() });
  for (const [snippet, translator] of batch) {
    const errors = translator.diagnostics.filter(diagnostic => diagnostic.category === ts.DiagnosticCategory.Error);
    if (errors.length > 0) failures.push({ at: snippet.location, errors: errors.map(error => ts.flattenDiagnosticMessageText(error.messageText, '\n')) });
  }
  expect(failures).toEqual([]);
}, 120_000);

test('the Python, Java and Go samples of docs/languages.md are lines of the apps check:languages runs', () => {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'languages.md'), 'utf8');
  const apps = { python: 'test/languages/python/app.py', java: 'test/languages/java/src/test/java/languages/WorkloadsApp.java', go: 'test/languages/go/app.go' };
  for (const [language, app] of Object.entries(apps)) {
    const sample = new RegExp('```' + language + '\\n([\\s\\S]*?)```').exec(page)![1].trim().split('\n');
    const lines = fs.readFileSync(path.join(ROOT, app), 'utf8').split('\n').map(line => line.trim());
    const at = lines.indexOf(sample[0]);
    expect([language, lines.slice(at, at + sample.length)]).toEqual([language, sample]);
  }
});
