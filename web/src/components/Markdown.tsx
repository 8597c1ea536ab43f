/**
 * Markdown rendered with markdown-it, `html: false`: raw HTML in a draft is shown as text, never
 * parsed, and markdown-it's link validation drops `javascript:` URLs. Loaded on first use, so the
 * parser is not in the main bundle.
 */
import { useEffect, useState } from 'preact/hooks';
import type MarkdownItFactory from 'markdown-it';

type MarkdownIt = ReturnType<typeof MarkdownItFactory>;

let parser: Promise<MarkdownIt> | null = null;
function getParser(): Promise<MarkdownIt> {
  parser ??= import('markdown-it').then(({ default: MarkdownIt }) => {
    const md = new MarkdownIt({ html: false, linkify: false, typographer: true });
    // Links open in a new tab without handing it this page.
    const render = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
    md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
      tokens[idx].attrSet('target', '_blank');
      tokens[idx].attrSet('rel', 'noopener noreferrer');
      return render(tokens, idx, options, env, self);
    };
    return md;
  });
  return parser;
}

export function Markdown({ source, testId }: { source: string; testId?: string }) {
  const [html, setHtml] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getParser().then((md) => live && setHtml(md.render(source)));
    return () => {
      live = false;
    };
  }, [source]);
  if (html === null) return <p class="muted">Rendering…</p>;
  return <div class="prose" data-testid={testId} dangerouslySetInnerHTML={{ __html: html }} />;
}
