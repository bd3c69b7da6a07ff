// Pure DDL rendering from introspected source objects. Names are always quoted with pg.escapeIdentifier;
// expressions and types come from Postgres's own deparser, renamed through a NameMap.
import pg from 'pg';
import type { SequenceOptions, SourceColumn, SourceConstraint } from './introspect';
import type { SourceDomain } from './introspect-types';
import { quotedName, rewriteNames, type NameMap, type QualifiedName } from './sql-names';

const quote = pg.escapeIdentifier;

function integer(value: string): string {
  if (!/^-?\d+$/.test(value)) throw new Error(`not an integer: ${value}`);
  return value;
}

export function sequenceOptionsSql(options: SequenceOptions, withDataType: boolean): string {
  return [
    withDataType ? `as ${options.dataType}` : '',
    `increment by ${integer(options.increment)}`,
    `minvalue ${integer(options.min)}`,
    `maxvalue ${integer(options.max)}`,
    `start with ${integer(options.start)}`,
    `cache ${integer(options.cache)}`,
    options.cycle ? 'cycle' : 'no cycle',
  ]
    .filter(Boolean)
    .join(' ');
}

export const createSchemaSql = (schema: string) => `create schema if not exists ${quote(schema)}`;

export const createSequenceSql = (name: QualifiedName, options: SequenceOptions) =>
  `create sequence if not exists ${quotedName(name)} ${sequenceOptionsSql(options, true)}`;

export const sequenceOwnerSql = (sequence: QualifiedName, table: QualifiedName, column: string) =>
  `alter sequence ${quotedName(sequence)} owned by ${quotedName(table)}.${quote(column)}`;

export const createEnumSql = (name: QualifiedName, labels: string[]) =>
  `create type ${quotedName(name)} as enum (${labels.map((label) => pg.escapeLiteral(label)).join(', ')})`;

export const addEnumLabelSql = (name: QualifiedName, label: string) =>
  `alter type ${quotedName(name)} add value if not exists ${pg.escapeLiteral(label)}`;

const collateSql = (collation: QualifiedName | null) => (collation ? ` collate ${quotedName(collation)}` : '');

export function createDomainSql(name: QualifiedName, domain: SourceDomain, names: NameMap): string {
  const parts = [
    `create domain ${quotedName(name)} as ${rewriteNames(domain.baseType, names)}${collateSql(domain.collation)}`,
  ];
  if (domain.default !== null) parts.push(`default ${rewriteNames(domain.default, names)}`);
  if (domain.notNull) parts.push('not null');
  for (const check of domain.checks)
    parts.push(`constraint ${quote(check.name)} ${rewriteNames(check.definition, names)}`);
  return parts.join(' ');
}

function valueSql(column: SourceColumn, names: NameMap): string {
  if (column.generated !== null) return ` generated always as (${rewriteNames(column.generated, names)}) stored`;
  if (column.identity && column.identityOptions) {
    const kind = column.identity === 'a' ? 'always' : 'by default';
    return ` generated ${kind} as identity (${sequenceOptionsSql(column.identityOptions, false)})`;
  }
  return column.default !== null ? ` default ${rewriteNames(column.default, names)}` : '';
}

export function columnSql(column: SourceColumn, names: NameMap): string {
  const type = rewriteNames(column.type, names);
  return `${quote(column.name)} ${type}${collateSql(column.collation)}${valueSql(column, names)}${column.notNull ? ' not null' : ''}`;
}

export const constraintSql = (constraint: SourceConstraint, names: NameMap) =>
  `constraint ${quote(constraint.name)} ${rewriteNames(constraint.definition, names)}`;

export function createTableSql(
  name: QualifiedName,
  table: { columns: SourceColumn[]; constraints: SourceConstraint[] },
  names: NameMap,
): string {
  const elements = [
    ...table.columns.map((column) => columnSql(column, names)),
    ...table.constraints.map((constraint) => constraintSql(constraint, names)),
  ];
  return `create table ${quotedName(name)} (\n  ${elements.join(',\n  ')}\n)`;
}

export const dropTableSql = (name: QualifiedName) => `drop table if exists ${quotedName(name)} cascade`;

export const addConstraintSql = (table: QualifiedName, constraint: SourceConstraint, names: NameMap) =>
  `alter table ${quotedName(table)} add ${constraintSql(constraint, names)}`;
