import { ConfigError } from '../errors.js';

/**
 * Skeleton files for `writeFile(path, template, context)`, as appcontainers rendered them:
 * `{{ name }}` is replaced by the context's value, `{{ user.home }}` looks inside objects,
 * `{{ missing | default("x") }}` gives a fallback, and `{{{{` / `}}}}` write literal braces.
 * A name that the context does not hold, without a default, is an error that lists the
 * names it does hold: a config file silently rendered with a hole in it is worse than none.
 */
export type TemplateContext = { [key: string]: string | number | boolean | null | undefined | TemplateContext | string[] };

const TAG = /\{\{\{\{|\}\}\}\}|\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*(?:\|\s*default\(\s*"((?:[^"\\]|\\.)*)"\s*\)\s*)?\}\}/g;

function lookup(context: TemplateContext, dotted: string): unknown {
  let v: unknown = context;
  for (const part of dotted.split('.')) {
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.prototype.hasOwnProperty.call(v, part)) return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** Every dotted name the context can answer, for error messages. */
function names(context: TemplateContext, prefix = ''): string[] {
  return Object.entries(context).flatMap(([k, v]) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? names(v as TemplateContext, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

/** TEMPLATE with its tags replaced from CONTEXT. Pure; throws ConfigError for unknown names and stray `{{`. */
export function renderTemplate(template: string, context: TemplateContext, what = 'template'): string {
  const out = template.replace(TAG, (tag: string, name: string | undefined, fallback: string | undefined) => {
    if (tag === '{{{{') return '{{';
    if (tag === '}}}}') return '}}';
    const value = lookup(context, name!);
    if (value === undefined || value === null) {
      if (fallback !== undefined) return fallback.replace(/\\(.)/g, '$1');
      throw new ConfigError(`${what}: {{ ${name} }} is not in the context (it has: ${names(context).sort().join(', ') || 'nothing'}); add it, or write {{ ${name} | default("...") }}`);
    }
    if (typeof value === 'object' && !Array.isArray(value)) {
      throw new ConfigError(`${what}: {{ ${name} }} is an object, not a value; name one of its fields (${names(value as TemplateContext, `${name}.`).join(', ')})`);
    }
    return Array.isArray(value) ? value.join(' ') : String(value);
  });
  // What is left of the template once its tags are gone must hold no '{{': a typo such as
  // {{ name } or {{ 2name }} would otherwise pass into the file unseen.
  const rest = template.replace(TAG, '');
  const at = rest.indexOf('{{');
  if (at >= 0) {
    throw new ConfigError(`${what}: '${rest.slice(at, at + 24).split('\n')[0]}' is not a tag: tags are {{ name }} or {{ name | default("value") }}; write {{{{ for a literal '{{'`);
  }
  return out;
}
