import type { Env } from '../common/env';
import { PortTakenError } from './errors';
import { ferretdbService, FERRETDB_DATABASE } from './ferretdb';
import { isPortFree } from './ports';
import { ensureDatabases, postgresService } from './postgres';
import type { Service } from './service';
import { temporalService } from './temporal';

export type ServiceState = 'started' | 'reused';

export interface StackStatus {
  services: Record<string, ServiceState>;
  temporalUiUrl: string;
}

/** In start order: FerretDB stores its data in the Postgres cluster. */
function services(env: Env): Service[] {
  return [postgresService(env), temporalService(env), ferretdbService(env)];
}

async function answers(service: Service): Promise<boolean> {
  try {
    return await service.healthy();
  } catch {
    return false;
  }
}

async function ensureRunning(env: Env, service: Service): Promise<ServiceState> {
  if (await answers(service)) return 'reused';
  if (!(await isPortFree(env.STACK_HOST, service.port))) {
    throw new PortTakenError(service.name, env.STACK_HOST, service.port, service.portVariable);
  }
  service.checkInstalled();
  await service.start();
  return 'started';
}

/** Names of the stack databases that the connection settings point at. */
function stackDatabases(env: Env): string[] {
  const onStack = (url: string) => {
    const parsed = new URL(url);
    return Number(parsed.port || 5432) === env.STACK_PG_PORT ? [decodeURIComponent(parsed.pathname.slice(1))] : [];
  };
  return [FERRETDB_DATABASE, ...onStack(env.SOURCE_DATABASE_URL), ...onStack(env.TARGET_DATABASE_URL)];
}

/** Starts what is not running yet and reuses what already answers. */
export async function startStack(env: Env): Promise<StackStatus> {
  const all = services(env);
  // Checking every tool first means a missing one is reported before anything starts.
  for (const service of all) if (!(await answers(service))) service.checkInstalled();
  const status: Record<string, ServiceState> = {};
  for (const service of all) {
    status[service.name] = await ensureRunning(env, service);
    // FerretDB, started next, keeps its data in the cluster's ferretdb database.
    if (service.name === 'PostgreSQL') await ensureDatabases(env, stackDatabases(env));
  }
  return { services: status, temporalUiUrl: env.TEMPORAL_UI_URL };
}

/** Stops in reverse start order; returns the names of what was stopped. */
export async function stopStack(env: Env): Promise<string[]> {
  const stopped: string[] = [];
  for (const service of services(env).reverse()) {
    if (await service.stop()) stopped.push(service.name);
  }
  return stopped;
}

export async function stackHealth(env: Env): Promise<Record<string, boolean>> {
  const entries = await Promise.all(services(env).map(async (s) => [s.name, await answers(s)] as const));
  return Object.fromEntries(entries);
}
