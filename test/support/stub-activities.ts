// Plain async functions registered under the real activity names (activities/migration, activities/golden-record),
// for workflow tests on the time-skipping server: the workflows are real, the side effects are not.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApplicationFailure } from '@temporalio/common';

interface StubTable {
  name: string;
}

/** What the stubbed table copies did, in the order it happened. */
export interface CopyLog {
  /** `start <table>`, `end <table>` or `fail <table>`. */
  events: string[];
  /** The most copies running at once. */
  mostAtOnce: number;
}

export const indexOfEvent = (log: CopyLog, event: string): number => log.events.indexOf(event);
export const startedTables = (log: CopyLog): string[] =>
  log.events.filter((event) => event.startsWith('start ')).map((event) => event.slice('start '.length));

/**
 * The migration's activities: the target has every foreign key (no table may start before its dependencies),
 * a copy takes `copyMs` of real time, and the table `failing` throws the non-retryable TableDataError.
 */
export function migrationStubs(options: { failing?: string; copyMs?: number } = {}) {
  const log: CopyLog = { events: [], mostAtOnce: 0 };
  let running = 0;
  const activities = {
    async migrationCheckSource() {},
    async migrationPrepareTarget() {
      return { created: [], reused: [], recreated: [], withoutForeignKeys: [], notReplicated: [] };
    },
    async migrationCompletedTables() {
      return [];
    },
    async migrationCopyTable({ table }: { table: StubTable }) {
      log.events.push(`start ${table.name}`);
      log.mostAtOnce = Math.max(log.mostAtOnce, ++running);
      try {
        await sleep(options.copyMs ?? 30);
        if (table.name === options.failing) {
          log.events.push(`fail ${table.name}`);
          throw ApplicationFailure.nonRetryable(`${table.name}: a row the target rejects`, 'TableDataError');
        }
        log.events.push(`end ${table.name}`);
        return {
          table: table.name,
          mode: 'full',
          rows: 1,
          bytes: 10,
          checksum: 'x',
          changes: { inserted: 1, updated: 0, deleted: 0 },
          pendingDeletes: 0,
          notes: [],
        };
      } finally {
        running--;
      }
    },
    async migrationApplyDeletes() {
      return { deleted: 0 };
    },
    async migrationFinishTarget() {
      return {};
    },
    async migrationForgetRun() {},
  };
  return { activities, log };
}

/** The golden record's activities: every view refreshes, the upsert reads `customers` documents. */
export function goldenRecordStubs(customers = 3) {
  const calls: string[] = [];
  const activities = {
    async goldenEnsureViews() {
      calls.push('goldenEnsureViews');
      return [];
    },
    async goldenRefreshViews({ views }: { views: Array<{ schema: string; materialized_view: string }> }) {
      calls.push('goldenRefreshViews');
      const at = new Date().toISOString();
      return views.map((v) => ({
        view: `${v.schema}.${v.materialized_view}`,
        before: null,
        after: at,
        refreshed: true,
        concurrently: false,
      }));
    },
    async goldenUpsertRecords() {
      calls.push('goldenUpsertRecords');
      return {
        read: customers,
        inserted: customers,
        updated: 0,
        unchanged: 0,
        quarantined: 0,
        markedMissing: 0,
        batches: 1,
      };
    },
  };
  return { activities, calls };
}

/** Geocoding's activities: `cities` cities selected, each found offline. */
export function geocodingStubs(cities = 2) {
  const calls: string[] = [];
  const selected = Array.from({ length: cities }, (_, index) => ({
    cityId: index + 1,
    city: `City ${index}`,
    country: 'Peru',
  }));
  const activities = {
    async geocodingPrepareSchema() {
      calls.push('geocodingPrepareSchema');
    },
    async geocodingSelectCities() {
      calls.push('geocodingSelectCities');
      return selected;
    },
    async geocodingOffline() {
      calls.push('geocodingOffline');
      return selected.map((city) => ({
        ...city,
        status: 'found',
        provider: 'offline',
        latitude: -12,
        longitude: -77,
        matchedName: city.city,
        confidence: 'exact',
        lowConfidence: false,
      }));
    },
    async geocodingSave({ outcomes }: { outcomes: unknown[] }) {
      calls.push('geocodingSave');
      return { saved: outcomes.length };
    },
  };
  return { activities, calls };
}

/** The categorize activities: no saved model, a trained model v1 that every customer gets. */
export function categorizeStubs(customers = 3) {
  const calls: string[] = [];
  const score = { score: 0.8, method: 'exact', sampleSize: customers, customers };
  const activities = {
    async categorizeEnsureRegistry() {
      calls.push('categorizeEnsureRegistry');
    },
    async categorizeEvaluate() {
      calls.push('categorizeEvaluate');
      return { configHash: 'stub', customers, saved: null };
    },
    async categorizeTrain() {
      calls.push('categorizeTrain');
      return { version: 1, silhouette: score, sizes: [customers] };
    },
    async categorizeAssign() {
      calls.push('categorizeAssign');
      return { customers, changed: customers, unchanged: 0, sizes: { Diamond: customers } };
    },
  };
  return { activities, calls };
}

/** The daily activity's one activity: records the days it was asked to write. */
export function dailyActivityStubs() {
  const days: string[] = [];
  const activities = {
    async activityWriteDay({ businessDate }: { businessDate: string }) {
      days.push(businessDate);
      const rows = { inserted: 1, updated: 0 };
      return {
        businessDate,
        simulatedDate: '2006-02-15',
        alreadyRun: false,
        rows: { rental: rows, payment: rows, customer: rows, address: rows },
        checksum: 'x',
        notes: [],
      };
    },
  };
  return { activities, days };
}
