// Code highlighting: highlight.js's core with the languages answers use most (each language
// costs 2 to 25 KB; C++ alone 25, so it is left out). Loaded as its own chunk by markdown.mjs.
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import css from 'highlight.js/lib/languages/css';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import python from 'highlight.js/lib/languages/python';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';

for (const [name, language] of Object.entries({ bash, css, javascript, json, python, sql, typescript, xml }))
  hljs.registerLanguage(name, language);
hljs.registerAliases(['sh', 'shell', 'console'], { languageName: 'bash' });
hljs.registerAliases(['js', 'mjs', 'jsx'], { languageName: 'javascript' });
hljs.registerAliases(['ts', 'tsx'], { languageName: 'typescript' });
hljs.registerAliases(['html', 'svg'], { languageName: 'xml' });
hljs.registerAliases(['py'], { languageName: 'python' });

/** Highlights one `<code>` element (its text; hljs escapes what it writes back). */
export function highlight(block) {
  const language = /language-(\S+)/.exec(block.className)?.[1];
  if (language && !hljs.getLanguage(language)) return; // a language not loaded: plain text
  if (block.dataset.highlighted) return;
  hljs.highlightElement(block);
}
