// Every link of every Markdown file of the repository leads somewhere a reader of the
// repository can open: a file of it (and a heading of that file when the link has #anchor),
// or the web. Never a file beside the checkout (../shared), nor an absolute path.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brokenLinks, githubSlug, readMarkdown } from './markdown-links.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The repository's files: tracked, and new ones not ignored (a doc not yet committed). */
function repositoryFiles() {
  const listing = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  return new Set(listing.split('\0').filter(Boolean));
}

test('every link of every Markdown file leads to a file of the repository or the web', () => {
  const files = repositoryFiles();
  const markdown = [...files].filter((file) => file.endsWith('.md'));
  assert.ok(markdown.includes('README.md') && markdown.includes('docs/cli.md'), 'the docs are listed');
  const problems = markdown.flatMap((file) => brokenLinks(root, file, files));
  assert.deepEqual(problems, []);
});

test('README links to each document of docs/', () => {
  const { links } = readMarkdown(readFileSync(join(root, 'README.md'), 'utf8'));
  const docs = [...repositoryFiles()].filter((file) => /^docs\/[^/]+\.md$/.test(file));
  assert.ok(docs.length >= 9, docs.join(', '));
  for (const doc of docs) assert.ok(links.includes(doc), `README does not link to ${doc}`);
});

test("anchors follow GitHub's slugs", () => {
  assert.equal(githubSlug('Where the catalog differs from the document'), 'where-the-catalog-differs-from-the-document');
  assert.equal(githubSlug('The JavaScript API (npm package)'), 'the-javascript-api-npm-package');
  assert.equal(githubSlug('Measured, not used'), 'measured-not-used');
  assert.equal(githubSlug('Run it, test it'), 'run-it-test-it');
  const seen = new Map();
  assert.deepEqual(['Notes', 'Notes', 'Notes'].map((text) => githubSlug(text, seen)), ['notes', 'notes-1', 'notes-2']);
  const { anchors } = readMarkdown('# The `llmux chat` command\n\n## Time *and* [size](x.md) limits\n');
  assert.deepEqual([...anchors], ['the-llmux-chat-command', 'time-and-size-limits']);
});

test('the check finds each kind of broken link, and passes sound ones', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'llmux-links-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'docs'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'a.cpp'), '');
  writeFileSync(join(dir, 'docs', 'other.md'), '# Other\n\n## A part\n');
  const lines = [
    '# Doc',
    '[ok](other.md) [ok](other.md#a-part) [ok](#doc) [ok](../src/a.cpp#L3) [ok](../src/)',
    '[ok](https://example.com/x) ![ok](other.md) `[code](nowhere.md)`',
    '```',
    '[in a block](nowhere.md)',
    '```',
    '[shared](../../shared/DESIGN.md) [abs](/etc/passwd) [file](file:///etc/passwd)',
    '[missing](nowhere.md) [anchor](other.md#nothing) [own](#nothing) [cut](../src/a.cpp#here)',
    '<img src="gone.png"> [ignored](../src/ignored.txt)',
  ];
  writeFileSync(join(dir, 'docs', 'doc.md'), lines.join('\n'));
  writeFileSync(join(dir, 'src', 'ignored.txt'), '');
  const files = new Set(['docs/doc.md', 'docs/other.md', 'src/a.cpp']);
  const problems = brokenLinks(dir, 'docs/doc.md', files).map((problem) => problem.split(': ')[1]);
  assert.deepEqual(problems, [
    '../../shared/DESIGN.md',
    '/etc/passwd',
    'file:///etc/passwd',
    'nowhere.md',
    'other.md#nothing',
    '#nothing',
    '../src/a.cpp#here',
    'gone.png',
    '../src/ignored.txt',
  ]);
});
