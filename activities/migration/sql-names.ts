// Renames schema-qualified objects inside SQL that Postgres itself printed (format_type, pg_get_expr,
// pg_get_constraintdef, pg_get_indexdef). Read with an empty search_path, every non-catalog name in that
// text is qualified, so a token-level rename is exact: string literals and other names are left alone.
import pg from 'pg';

export interface QualifiedName {
  schema: string;
  name: string;
}

/** Source (schema, name) -> target (schema, name); only the names in it are rewritten. */
export type NameMap = Map<string, QualifiedName>;

export const nameKey = (schema: string, name: string) => `${schema}\u0000${name}`;
export const quotedName = (name: QualifiedName) =>
  `${pg.escapeIdentifier(name.schema)}.${pg.escapeIdentifier(name.name)}`;
/** For results and messages, never for SQL. */
export const displayName = (name: QualifiedName) => `${name.schema}.${name.name}`;

const TOKEN = /'(?:[^']|'')*'|"(?:[^"]|"")*"|[A-Za-z_\u{80}-\u{10FFFF}][\w$\u{80}-\u{10FFFF}]*|\s+|./gsu;
const IDENTIFIER_START = /^[A-Za-z_"\u{80}-\u{10FFFF}]/u;

const tokenize = (sql: string): string[] => sql.match(TOKEN) ?? [];
const isIdentifier = (token: string | undefined) => token !== undefined && IDENTIFIER_START.test(token);
const unquote = (token: string) =>
  token.startsWith('"') ? token.slice(1, -1).replace(/""/g, '"') : token.toLowerCase();

/** The two-part name starting at tokens[at], if any (three-part names such as table.column.field are not ours). */
function qualifiedAt(tokens: string[], at: number): QualifiedName | undefined {
  const [first, dot, second, after] = tokens.slice(at, at + 4);
  if (tokens[at - 1] === '.' || !isIdentifier(first) || dot !== '.' || !isIdentifier(second) || after === '.')
    return undefined;
  return { schema: unquote(first!), name: unquote(second!) };
}

/** `'public.film_film_id_seq'::regclass`: the name sits inside a literal. */
function isRegclassLiteral(tokens: string[], at: number): boolean {
  return tokens[at]!.startsWith("'") && tokens.slice(at + 1, at + 4).join('') === '::regclass';
}

function rewriteRegclassLiteral(literal: string, names: NameMap): string {
  const inner = tokenize(literal.slice(1, -1).replace(/''/g, "'"));
  const name = inner.length === 3 ? qualifiedAt(inner, 0) : undefined;
  const target = name && names.get(nameKey(name.schema, name.name));
  return target ? pg.escapeLiteral(quotedName(target)) : literal;
}

export function rewriteNames(sql: string, names: NameMap): string {
  const tokens = tokenize(sql);
  const out: string[] = [];
  for (let at = 0; at < tokens.length; at++) {
    const name = qualifiedAt(tokens, at);
    const target = name && names.get(nameKey(name.schema, name.name));
    if (target) {
      out.push(quotedName(target));
      at += 2;
    } else {
      out.push(isRegclassLiteral(tokens, at) ? rewriteRegclassLiteral(tokens[at]!, names) : tokens[at]!);
    }
  }
  return out.join('');
}

/** Quotes every identifier, so `dvd_rental.year` and `"dvd_rental"."year"` compare equal. */
export function canonicalType(type: string): string {
  return tokenize(type)
    .map((token) => (isIdentifier(token) ? pg.escapeIdentifier(unquote(token)) : token))
    .join('');
}
