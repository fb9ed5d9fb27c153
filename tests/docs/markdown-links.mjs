// The links of a Markdown file as GitHub renders it, and what each must point to: a file of the
// repository (a heading of it when the link has #anchor), or a web address. marked's lexer
// reads the Markdown (the browser chat renders with it too), so a link inside a code block
// or code span is not a link, and tables, images and reference links are.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { marked } from 'marked';

/** Schemes a link may name: pages on the web, not files of this machine. */
const webSchemes = new Set(['http:', 'https:', 'mailto:']);

/**
 * GitHub's anchor for a heading's text (github-slugger's rules): lower case, every character
 * that is not a letter, a mark, a digit, `_`, `-` or a space removed, each space a `-`; a slug
 * seen before in the same file gets `-1`, `-2`, ... (`seen` counts them).
 */
export function githubSlug(text, seen = new Map()) {
  const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
  let slug = base;
  while (seen.has(slug)) {
    seen.set(base, seen.get(base) + 1);
    slug = `${base}-${seen.get(base)}`;
  }
  seen.set(slug, 0);
  return slug;
}

/** The text a heading shows: its inline tokens without their Markdown (code spans' code kept). */
function plainText(tokens) {
  return tokens
    .map((token) => {
      if (token.tokens) return plainText(token.tokens);
      if (token.type === 'html') return '';
      return token.text ?? '';
    })
    .join('');
}

/** The anchors of a Markdown text's headings, and its links' targets as written. */
export function readMarkdown(text) {
  const tokens = marked.lexer(text);
  const anchors = new Set();
  const seen = new Map();
  const links = [];
  marked.walkTokens(tokens, (token) => {
    if (token.type === 'heading') anchors.add(githubSlug(plainText(token.tokens), seen));
    else if (token.type === 'link' || token.type === 'image') links.push(token.href);
    else if (token.type === 'html') {
      for (const [, , target] of token.raw.matchAll(/\b(href|src)\s*=\s*"([^"]*)"/g)) links.push(target);
      for (const [, name] of token.raw.matchAll(/\b(?:id|name)\s*=\s*"([^"]*)"/g)) anchors.add(name);
    }
  });
  return { anchors, links };
}

/**
 * What is wrong with each link of the Markdown file `file` (a path relative to `root`):
 * a list of messages, empty when every link is sound. `files` is the set of the repository's
 * files (paths relative to `root`, with `/`); a link may name one of them or a folder holding
 * some.
 */
export function brokenLinks(root, file, files) {
  const problems = [];
  const { anchors, links } = readMarkdown(readFileSync(join(root, file), 'utf8'));
  for (const link of links) {
    const problem = linkProblem(root, file, files, anchors, link);
    if (problem) problems.push(`${file}: ${link}: ${problem}`);
  }
  return problems;
}

function linkProblem(root, file, files, ownAnchors, link) {
  const scheme = /^([a-z][a-z0-9+.-]*:)/i.exec(link)?.[1].toLowerCase();
  if (scheme) return webSchemes.has(scheme) ? null : `a ${scheme} link names nothing in the repository`;
  if (link.startsWith('//')) return null; // another host, on the web
  const [pathPart, anchor] = splitAnchor(link);
  if (pathPart === '') return anchor === null || ownAnchors.has(anchor) ? null : `no heading #${anchor} here`;
  const path = decodeURIComponent(pathPart);
  if (isAbsolute(path)) return 'an absolute path: no reader of the repository has it';
  const target = resolve(root, dirname(file), path);
  const inside = relative(root, target);
  if (inside.startsWith('..') || isAbsolute(inside)) return 'outside the repository';
  const name = inside.split(sep).join('/');
  const isFolder = existsSync(target) && statSync(target).isDirectory();
  if (isFolder) {
    if (![...files].some((f) => f.startsWith(`${name}/`))) return 'a folder holding no file of the repository';
    return anchor === null ? null : 'an anchor on a folder';
  }
  if (!files.has(name) || !existsSync(target)) return 'no such file in the repository';
  if (anchor === null) return null;
  if (name.endsWith('.md')) {
    const { anchors } = readMarkdown(readFileSync(target, 'utf8'));
    return anchors.has(anchor) ? null : `no heading #${anchor} in ${name}`;
  }
  return /^L\d+(-L\d+)?$/.test(anchor) ? null : `#${anchor} is not a line anchor`;
}

function splitAnchor(link) {
  const at = link.indexOf('#');
  return at < 0 ? [link, null] : [link.slice(0, at), decodeURIComponent(link.slice(at + 1))];
}
