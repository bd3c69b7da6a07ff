// CDC (config `"sync": "cdc"`): one logical replication slot per config and target, read with pgoutput over the
// replication protocol. A capture writes the key of every row a change touched into the target's change log,
// with the slot position it reached, in one target transaction. The slot is confirmed up to a position only
// at the next capture, long after the target committed it. A worker killed at any point in between leaves
// changes the slot sends again: transactions at or below the recorded position are skipped, so none is
// logged twice, and none is lost, since the slot keeps whatever it was not confirmed.
import { createHash, randomUUID } from 'node:crypto';
import { LogicalReplicationService, PgoutputPlugin, type Pgoutput } from 'pg-logical-replication';
import pg from 'pg';
import { MigrationConfigError } from '../../workflows/migration/errors';
import type { CdcCapture, TableSpec } from '../../workflows/migration/types';
import { primaryKey, quoteIdent } from './catalog';
import { CDC_CAPTURE, CDC_CHANGE, capturedLsn, compareLsn, ensureCdcLog, pruneChangeLog } from './cdc-log';
import { SYNC_STATE } from './sync-state';

const MARKER_PREFIX = 'migration-capture';
const FLUSH_EVERY = 5_000;

/** `migration_<config>_<hash of config and target>`: one slot per config and target database (63 bytes at most). */
export function cdcSlotName(configName: string, target: pg.Pool): string {
  const { host, port, database, connectionString } = target.options;
  const where = connectionString ? new URL(connectionString) : undefined;
  const identity = [configName, where?.host ?? `${host}:${port}`, where?.pathname ?? database].join('|');
  const hash = createHash('sha256').update(identity).digest('hex').slice(0, 10);
  const readable = configName
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, 30);
  return `migration_${readable}_${hash}`;
}

/** pgoutput parses values with pg's type parsers (a timestamp loses its microseconds); keys stay as sent. */
class KeyedPgoutputPlugin extends PgoutputPlugin {
  override parse(buffer: Buffer): Pgoutput.Message {
    const message = super.parse(buffer);
    if (message.tag === 'relation') for (const column of message.columns) column.parser = (raw: unknown) => raw;
    return message;
  }
}

async function checkWalLevel(source: pg.Pool, tables: TableSpec[]): Promise<void> {
  const { rows } = await source.query<{ level: string }>(`select current_setting('wal_level') as level`);
  if (rows[0]!.level === 'logical') return;
  throw new MigrationConfigError(
    `sync "cdc" (${tables.map((t) => t.name).join(', ')}) needs the source's wal_level=logical, it is ` +
      `${rows[0]!.level}: set it in postgresql.conf and restart the source, or sync these tables by a cursor`,
  );
}

/** The publication names exactly the CDC tables of the config: created, or its list set anew when it differs. */
async function ensurePublication(source: pg.Pool, name: string, tables: TableSpec[]): Promise<void> {
  const wanted = tables.map((t) => `${t.schema_in}.${t.name}`).sort();
  const { rows, rowCount } = await source.query<{ tables: string[] | null }>(
    `select (select array_agg(schemaname || '.' || tablename) from pg_publication_tables t
              where t.pubname = p.pubname) as tables
       from pg_publication p where pubname = $1`,
    [name],
  );
  const present = rowCount ? [...(rows[0]!.tables ?? [])].sort() : undefined;
  if (present && present.join(',') === wanted.join(',')) return;
  const list = tables.map((t) => `${quoteIdent(t.schema_in)}.${quoteIdent(t.name)}`).join(', ');
  const verb = present
    ? `alter publication ${quoteIdent(name)} set table`
    : `create publication ${quoteIdent(name)} for table`;
  await source.query(`${verb} ${list}`);
}

/**
 * The slot's confirmed position, creating the slot if it is missing or has lost WAL it needed (past the source's
 * max_slot_wal_keep_size): `created` then says that changes before it are unknown.
 */
async function ensureSlot(source: pg.Pool, slot: string): Promise<{ confirmed: string; created: boolean }> {
  const { rows } = await source.query<{ confirmed: string | null; lost: boolean }>(
    `select confirmed_flush_lsn::text as confirmed, wal_status = 'lost' as lost
       from pg_replication_slots where slot_name = $1`,
    [slot],
  );
  const found = rows[0];
  if (found?.confirmed && !found.lost) return { confirmed: found.confirmed, created: false };
  if (found) await source.query('select pg_drop_replication_slot($1)', [slot]);
  const created = await source.query<{ lsn: string }>(
    `select lsn::text from pg_create_logical_replication_slot($1, 'pgoutput')`,
    [slot],
  );
  return { confirmed: created.rows[0]!.lsn, created: true };
}

interface Target {
  spec: TableSpec;
  label: string;
  key: string[];
}

async function targetsOf(source: pg.Pool, tables: TableSpec[]): Promise<Map<string, Target>> {
  const targets = new Map<string, Target>();
  for (const spec of tables) {
    const key = await primaryKey(source, spec.schema_in, spec.name);
    if (!key.length) throw new MigrationConfigError(`config of ${spec.name}: sync "cdc" needs a primary key`);
    targets.set(`${spec.schema_in}.${spec.name}`, { spec, label: `${spec.schema_out}.${spec.name}`, key });
  }
  return targets;
}

/** The change log's rows of one capture, written in batches inside the capture's target transaction. */
class ChangeWriter {
  private batch: Array<[string, string, string]> = [];
  readonly perTable = new Map<string, number>();

  constructor(private readonly target: pg.PoolClient) {}

  async add(label: string, lsn: string, key: string[] | null): Promise<void> {
    // an empty key: the table was truncated, its next sync compares it in full
    this.batch.push([label, lsn, `{${(key ?? []).join(',')}}`]);
    this.perTable.set(label, (this.perTable.get(label) ?? 0) + 1);
    if (this.batch.length >= FLUSH_EVERY) await this.flush();
  }

  async flush(): Promise<void> {
    if (!this.batch.length) return;
    const [labels, lsns, keys] = [0, 1, 2].map((i) => this.batch.map((row) => row[i]!));
    this.batch = [];
    await this.target.query(
      `insert into ${CDC_CHANGE} (table_name, lsn, key)
       select label, lsn::pg_lsn, key::int8[] from unnest($1::text[], $2::text[], $3::text[]) as u(label, lsn, key)`,
      [labels, lsns, keys],
    );
  }
}

const keyOf = (target: Target, tuple: Record<string, unknown> | null) =>
  tuple && target.key.every((column) => tuple[column] != null)
    ? target.key.map((column) => String(tuple[column]))
    : null;

/** Postgres 17 can flush the marker at once; before, the WAL writer does within wal_writer_delay (200 ms). */
async function markerSql(source: pg.Pool): Promise<string> {
  const { rows } = await source.query<{ flush: boolean }>(
    `select current_setting('server_version_num')::int >= 170000 as flush`,
  );
  const flush = rows[0]!.flush ? ', true' : '';
  return `select pg_logical_emit_message(false, $1, $2${flush})::text as lsn`;
}

interface StreamRequest {
  source: pg.Pool;
  slot: string;
  from: string;
  targets: Map<string, Target>;
  writer: ChangeWriter;
}

/**
 * Streams the slot from `from` up to a marker written now (a logical message: every transaction committed
 * before it comes first), logging each change's key. Returns the marker's position and what it skipped.
 */
async function streamUntilMarker(request: StreamRequest): Promise<{ until: string; skipped: number }> {
  const { source, slot, from, targets, writer } = request;
  const runId = randomUUID();
  const service = new LogicalReplicationService(
    { ...source.options, application_name: 'migration-cdc' },
    { acknowledge: { auto: false, timeoutSeconds: 0 }, flowControl: { enabled: true } },
  );
  const plugin = new KeyedPgoutputPlugin({ protoVersion: 1, publicationNames: [slot], messages: true });
  let transaction: { lsn: string; skip: boolean } | undefined;
  let skipped = 0;
  let marked = false; // past the marker: later commits are the next capture's
  const done = new Promise<string>((resolve, reject) => {
    service.on('error', reject);
    // The previous capture's position is in the target since it committed: the slot may drop what precedes it.
    service.on('start', () => void service.acknowledge(from));
    service.on('data', async (_lsn: string, message: Pgoutput.Message) => {
      if (marked) return;
      if (message.tag === 'begin') {
        const lsn = message.commitLsn ?? '0/0';
        transaction = { lsn, skip: compareLsn(lsn, from) <= 0 };
        if (transaction.skip) skipped++;
      } else if (message.tag === 'commit') {
        transaction = undefined;
      } else if (message.tag === 'message') {
        marked = message.prefix === MARKER_PREFIX && Buffer.from(message.content).toString() === runId;
        if (marked) resolve(message.messageLsn ?? from);
      } else if (transaction && !transaction.skip) {
        await logChange(message, transaction.lsn, targets, writer);
      }
    });
  });
  const { rows } = await source.query<{ lsn: string }>(await markerSql(source), [MARKER_PREFIX, runId]);
  const ended = service.subscribe(plugin, slot, from).then(() => {
    throw new Error(`slot ${slot}: replication ended before its marker at ${rows[0]!.lsn}`);
  });
  // Once the marker is in, the stream's end (or error) on closing is expected.
  for (const promise of [done, ended]) promise.catch(() => undefined);
  try {
    const until = await Promise.race([done, ended]);
    return { until, skipped };
  } finally {
    await service.destroy();
  }
}

async function logChange(message: Pgoutput.Message, lsn: string, targets: Map<string, Target>, writer: ChangeWriter) {
  if (message.tag === 'truncate') {
    for (const relation of message.relations) {
      const target = targets.get(`${relation.schema}.${relation.name}`);
      if (target) await writer.add(target.label, lsn, null);
    }
    return;
  }
  if (message.tag !== 'insert' && message.tag !== 'update' && message.tag !== 'delete') return;
  const target = targets.get(`${message.relation.schema}.${message.relation.name}`);
  if (!target) return;
  const keys = [
    keyOf(target, message.tag === 'delete' ? null : message.new),
    keyOf(target, message.tag === 'insert' ? null : (message.key ?? message.old)), // the old key, when it changed
  ].filter((key): key is string[] => key !== null);
  const distinct = new Map(keys.map((key) => [key.join(','), key]));
  for (const key of distinct.values()) await writer.add(target.label, lsn, key);
}

/**
 * Brings the change log of `tables` up to the source's present. A slot created now (or again, after it was
 * lost) knows no earlier change: those tables' sync state is dropped, so their next sync compares in full.
 */
export async function captureChanges(input: CaptureInput): Promise<CdcCapture> {
  try {
    return await capture(input);
  } catch (error) {
    throw asCaptureError(input, error);
  }
}

interface CaptureInput {
  source: pg.Pool;
  target: pg.Pool;
  configName: string;
  tables: TableSpec[];
}

/** A missing privilege (REPLICATION, table ownership for the publication) is a config matter: retrying cannot help. */
function asCaptureError(input: CaptureInput, error: unknown): unknown {
  if (!(error instanceof Error) || error instanceof MigrationConfigError) return error;
  const message = `CDC capture of ${input.tables.map((t) => t.name).join(', ')} from the source: ${error.message}`;
  if ((error as { code?: string }).code !== '42501') return Object.assign(error, { message });
  return new MigrationConfigError(
    `${message} (the source role needs REPLICATION and must own these tables: README "CDC")`,
  );
}

async function capture(input: CaptureInput): Promise<CdcCapture> {
  const { source, target, tables } = input;
  const slot = cdcSlotName(input.configName, target);
  await checkWalLevel(source, tables);
  await ensureCdcLog(target);
  await ensurePublication(source, slot, tables);
  const targets = await targetsOf(source, tables);
  const labels = [...targets.values()].map((t) => t.label);
  const client = await target.connect();
  try {
    await client.query('begin');
    const slotState = await ensureSlot(source, slot);
    const recorded = await capturedLsn(client, slot);
    const rebaseline = slotState.created || recorded === null;
    if (rebaseline)
      await client.query(`delete from ${SYNC_STATE} where table_name = any($1) and method = 'cdc'`, [labels]);
    const from = rebaseline ? slotState.confirmed : recorded!;
    const writer = new ChangeWriter(client);
    const { until, skipped } = await streamUntilMarker({ source, slot, from, targets, writer });
    await writer.flush();
    await client.query(
      `insert into ${CDC_CAPTURE} (slot, captured_lsn) values ($1, $2)
       on conflict (slot) do update set captured_lsn = excluded.captured_lsn, updated_at = now()`,
      [slot, until],
    );
    const pruned = await pruneChangeLog(client, labels, from);
    await client.query('commit');
    const changes = Object.fromEntries(labels.map((label) => [label, writer.perTable.get(label) ?? 0]));
    return { slot, from, until, changes, skippedTransactions: skipped, pruned, slotCreated: slotState.created };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Ends CDC for a config and target: drops the slot (which otherwise keeps the source's WAL) and the publication,
 * and the target's log and watermarks of the slot's tables, whose next sync then compares them in full.
 */
export async function dropCdc(input: { source: pg.Pool; target: pg.Pool; configName: string }) {
  const slot = cdcSlotName(input.configName, input.target);
  const dropped = await input.source.query(
    'select pg_drop_replication_slot(slot_name) from pg_replication_slots where slot_name = $1',
    [slot],
  );
  await input.source.query(`drop publication if exists ${quoteIdent(slot)}`);
  await ensureCdcLog(input.target);
  const client = await input.target.connect();
  try {
    await client.query('begin');
    const { rows } = await client.query<{ table_name: string }>(
      `delete from ${SYNC_STATE} where method = 'cdc' and column_name = $1 returning table_name`,
      [slot],
    );
    const tables = rows.map((row) => row.table_name).sort();
    await client.query(`delete from ${CDC_CHANGE} where table_name = any($1)`, [tables]);
    await client.query(`delete from ${CDC_CAPTURE} where slot = $1`, [slot]);
    await client.query('commit');
    return { slot, slotDropped: (dropped.rowCount ?? 0) > 0, tables };
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
