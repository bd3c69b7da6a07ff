import type pg from 'pg';
import { VerificationError } from '../../migration/errors';
import { columnList } from './catalog';
import type { Sessions } from './copy-session';

export interface Checksum {
  rows: number;
  checksum: string;
}

/**
 * dataset/checksum.ts's formula over a column list instead of whole rows: the sum of a 64-bit slice of
 * each row's md5, order-independent, so neither side sorts nor buffers. `where` filters alias `t`.
 */
export function checksumSql(table: string, columns: readonly string[], where?: string): string {
  return `select count(*) as rows,
                 coalesce(sum(('x' || substr(md5(row(${columnList(columns, 't')})::text), 1, 16))::bit(64)::bigint::numeric), 0)::text as checksum
            from ${table} t
           ${where ? `where ${where}` : ''}`;
}

async function checksum(db: pg.PoolClient, sql: string): Promise<Checksum> {
  const { rows } = await db.query<{ rows: string; checksum: string }>(sql);
  const row = rows[0]!;
  return { rows: Number(row.rows), checksum: row.checksum };
}

export interface VerifyRequest {
  label: string;
  sourceTable: string;
  targetTable: string;
  columns: readonly string[];
  /** Restricts the target rows compared (e.g. not flagged as deleted). */
  targetWhere?: string;
}

/** Compares the source snapshot with the target transaction's view; both checksums run at once. */
export async function verifyCopy(sessions: Sessions, request: VerifyRequest): Promise<Checksum> {
  const [source, target] = await Promise.all([
    checksum(sessions.source, checksumSql(request.sourceTable, request.columns)),
    checksum(sessions.target, checksumSql(request.targetTable, request.columns, request.targetWhere)),
  ]);
  if (source.rows !== target.rows || source.checksum !== target.checksum) {
    throw new VerificationError(
      `${request.label}: source has ${source.rows} rows (checksum ${source.checksum}), ` +
        `target has ${target.rows} rows (checksum ${target.checksum})`,
    );
  }
  return target;
}
