import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, envVariableNames, parseEnv, REPO_ROOT, type Env } from '../../../common/env';
import { publishedPort, readCompose, readDockerfile, type ComposeService } from '../../support/compose-file';

const compose = readCompose();
const dockerfile = readDockerfile();
const services = compose.services;

/** The port each third-party image listens on inside its container. */
const LISTENS: Record<string, number> = {
  postgres: 5432,
  mongo: 27017,
  'temporalio/auto-setup': 7233,
  'temporalio/ui': 8080,
};

const appServices = Object.entries(services).filter(([, service]) => service.build !== undefined);
const oneShot = (service: ComposeService) => service.restart === 'no' && service.command !== undefined;

function serviceNamed(name: string): ComposeService {
  const found = services[name];
  if (!found) throw new Error(`no compose service "${name}"`);
  return found;
}

function listenPort(service: ComposeService): number | undefined {
  return LISTENS[service.image.split(':')[0]!];
}

/** What the app sees in its container: the image's ENV, then the service's environment. */
function appEnv(service: ComposeService): Env {
  return parseEnv({ ...dockerfile.env, ...service.environment });
}

/** A connection URL's host must be a service listening on the URL's port, with the credentials it was given. */
function expectPostgresTarget(url: string): void {
  const parsed = new URL(url);
  const server = serviceNamed(parsed.hostname);
  expect(server.image).toMatch(/^postgres:/);
  expect(Number(parsed.port)).toBe(listenPort(server));
  expect(parsed.username).toBe(server.environment.POSTGRES_USER ?? 'postgres');
  expect(decodeURIComponent(parsed.password)).toBe(server.environment.POSTGRES_PASSWORD);
  expect(parsed.pathname).toBe(`/${server.environment.POSTGRES_DB}`);
}

function requiredWithoutDefault(): string[] {
  try {
    parseEnv({ STACK_MODE: 'external' });
  } catch (error) {
    if (error instanceof ConfigError) return [...error.message.matchAll(/^ {2}(\w+): /gm)].map((match) => match[1]!);
    throw error;
  }
  return [];
}

describe('docker-compose.yml', () => {
  test('declares the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      [
        'apply-schedules',
        'load-source',
        'mongodb',
        'source-postgres',
        'target-postgres',
        'temporal',
        'temporal-postgres',
        'temporal-ui',
        'worker',
      ].sort(),
    );
    expect(appServices.map(([name]) => name).sort()).toEqual(['apply-schedules', 'load-source', 'worker']);
  });

  test('pins every image to a version', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.build) expect(service.image).toBe('dvd-rental-pipelines:local');
      else
        expect({ name, image: service.image }).toEqual({
          name,
          image: expect.stringMatching(/^[\w./-]+:\d+\.\d+(\.\d+)?$/),
        });
    }
    for (const image of dockerfile.from) expect(image).toMatch(/^node:\d+\.\d+\.\d+-[\w-]+$/);
  });

  test.each(appServices)(
    '%s: its environment passes the real schema in external mode, every variable known',
    (_name, service) => {
      const env = appEnv(service);
      expect(env.STACK_MODE).toBe('external');
      const known = new Set(envVariableNames());
      expect(Object.keys(service.environment).filter((name) => !known.has(name))).toEqual([]);
      expect(Object.keys(dockerfile.env).filter((name) => !known.has(name) && name !== 'NODE_ENV')).toEqual([]);
    },
  );

  test('the worker gets every variable the schema has no default for', () => {
    const required = requiredWithoutDefault();
    expect(required).toEqual(
      expect.arrayContaining(['SOURCE_DATABASE_URL', 'TARGET_DATABASE_URL', 'MONGODB_URI', 'TEMPORAL_ADDRESS']),
    );
    const worker = serviceNamed('worker');
    const given = { ...dockerfile.env, ...worker.environment };
    expect(required.filter((name) => !given[name])).toEqual([]);
  });

  test.each(appServices)(
    '%s: connection URLs name compose services on the ports and credentials they serve',
    (_name, service) => {
      const env = appEnv(service);
      expectPostgresTarget(env.SOURCE_DATABASE_URL);
      expectPostgresTarget(env.TARGET_DATABASE_URL);
      expect(new URL(env.SOURCE_DATABASE_URL).hostname).not.toBe(new URL(env.TARGET_DATABASE_URL).hostname);

      const mongoUrl = new URL(env.MONGODB_URI);
      const mongo = serviceNamed(mongoUrl.hostname);
      expect(Number(mongoUrl.port)).toBe(listenPort(mongo));
      expect(mongoUrl.username).toBe(mongo.environment.MONGO_INITDB_ROOT_USERNAME);
      expect(mongoUrl.password).toBe(mongo.environment.MONGO_INITDB_ROOT_PASSWORD);

      const [temporalHost, temporalPort] = env.TEMPORAL_ADDRESS.split(':');
      expect(Number(temporalPort)).toBe(listenPort(serviceNamed(temporalHost!)));

      // the Web UI link printed for a run must open on the host: the UI's published port
      const uiUrl = new URL(env.TEMPORAL_UI_URL);
      const uiPorts = serviceNamed('temporal-ui').ports.map(publishedPort);
      expect(uiPorts).toContainEqual({
        ip: '127.0.0.1',
        host: Number(uiUrl.port),
        container: listenPort(serviceNamed('temporal-ui')),
      });
    },
  );

  test('Temporal and its Web UI reach their own servers', () => {
    const temporal = serviceNamed('temporal');
    const store = serviceNamed(temporal.environment.POSTGRES_SEEDS!);
    expect(store.image).toMatch(/^postgres:/);
    expect(Number(temporal.environment.DB_PORT)).toBe(listenPort(store));
    expect(temporal.environment.POSTGRES_USER).toBe(store.environment.POSTGRES_USER);
    expect(temporal.environment.POSTGRES_PWD).toBe(store.environment.POSTGRES_PASSWORD);
    expect(store).not.toBe(serviceNamed('source-postgres'));
    expect(serviceNamed('temporal-ui').environment.TEMPORAL_ADDRESS).toBe(`temporal:${listenPort(temporal)}`);
  });

  test('the worker serves metrics on all its interfaces, published, and its healthcheck reads them', () => {
    const worker = serviceNamed('worker');
    const [host, port] = appEnv(worker).METRICS_BIND_ADDRESS.split(':');
    expect(host).toBe('0.0.0.0');
    expect(worker.ports.map(publishedPort).map((published) => published.container)).toContain(Number(port));
    expect(worker.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/metrics`);
  });

  test('every depends_on names a service, with a condition that service can meet', () => {
    for (const [name, service] of Object.entries(services)) {
      for (const [target, { condition }] of Object.entries(service.depends_on)) {
        const dependency = serviceNamed(target);
        if (condition === 'service_healthy')
          expect({ name, target, healthcheck: dependency.healthcheck !== undefined }).toEqual({
            name,
            target,
            healthcheck: true,
          });
        if (condition === 'service_completed_successfully')
          expect({ name, target, oneShot: oneShot(dependency) }).toEqual({ name, target, oneShot: true });
      }
    }
    expect(Object.keys(serviceNamed('worker').depends_on).sort()).toEqual(
      ['load-source', 'mongodb', 'source-postgres', 'target-postgres', 'temporal'].sort(),
    );
    expect(serviceNamed('apply-schedules').depends_on.temporal).toEqual({ condition: 'service_healthy' });
    expect(serviceNamed('load-source').depends_on['source-postgres']).toEqual({ condition: 'service_healthy' });
  });

  test('every service is health-checked or a one-shot job', () => {
    for (const [name, service] of Object.entries(services)) {
      const kind = service.healthcheck ? 'health-checked' : oneShot(service) ? 'one-shot' : 'neither';
      expect({ name, kind }).not.toEqual({ name, kind: 'neither' });
      if (oneShot(service)) expect({ name, ports: service.ports }).toEqual({ name, ports: [] });
    }
  });

  test('published ports listen on loopback, do not collide, and map to what the container serves', () => {
    const published = Object.entries(services).flatMap(([name, service]) =>
      service.ports.map((spec) => ({ name, service, ...publishedPort(spec) })),
    );
    expect(published.length).toBeGreaterThanOrEqual(6);
    for (const { ip } of published) expect(ip).toBe('127.0.0.1');
    const hosts = published.map(({ host }) => host);
    expect(new Set(hosts).size).toBe(hosts.length);
    for (const { name, service, container } of published) {
      const served = service.build ? Number(appEnv(service).METRICS_BIND_ADDRESS.split(':')[1]) : listenPort(service);
      expect({ name, container }).toEqual({ name, container: served });
    }
  });

  test('named volumes are declared, and the archive path of load-source is inside its mount', () => {
    const mounts = Object.values(services).flatMap((service) => service.volumes.map((spec) => spec.split(':')));
    for (const [source] of mounts)
      if (!source!.startsWith('.') && !source!.startsWith('/')) expect(compose.volumes).toHaveProperty(source!);
    const loader = serviceNamed('load-source');
    const archive = loader.environment.DVDRENTAL_ARCHIVE!;
    const targets = loader.volumes.map((spec) => spec.split(':')[1]!);
    expect(targets.some((target) => archive.startsWith(`${target}/`))).toBe(true);
  });
});

describe('Dockerfile', () => {
  const buildConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.build.json'), 'utf8')) as {
    include: string[];
  };
  const baseConfig = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'tsconfig.json'), 'utf8')) as {
    compilerOptions: { outDir: string; rootDir: string };
  };

  /** `dist/a/b.js` is built when `a/b.ts` exists and tsconfig.build.json compiles it (outDir dist, rootDir .). */
  function expectBuilt(file: string): void {
    expect(file).toMatch(/^dist\/.+\.js$/);
    const source = file.replace(/^dist\//, '').replace(/\.js$/, '.ts');
    expect(fs.existsSync(path.join(REPO_ROOT, source))).toBe(true);
    const top = source.includes('/') ? source.split('/')[0]! : '*.ts';
    expect(buildConfig.include).toContain(top);
  }

  test('runs the compiled worker that npm run build produces', () => {
    expect(baseConfig.compilerOptions).toMatchObject({ outDir: 'dist', rootDir: '.' });
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    expect(dockerfile.run.some((command) => command.startsWith('npm run build'))).toBe(true);
    expect(dockerfile.cmd).toEqual(['node', 'dist/worker.js']);
    expectBuilt(dockerfile.cmd[1]!);
  });

  test.each(appServices.filter(([, service]) => service.command))(
    '%s: its command runs a file the build produces',
    (_name, service) => {
      expect(service.command![0]).toBe('node');
      expectBuilt(service.command![1]!);
    },
  );

  test('the worker starts from the workflow bundle the image builds', () => {
    const bundle = dockerfile.env.TEMPORAL_WORKFLOW_BUNDLE!;
    expect(bundle).toMatch(/^\/app\/dist\//);
    expect(dockerfile.run.some((command) => command.includes(`bundle-workflows.js ${bundle}`))).toBe(true);
    expect(dockerfile.copy).toContain('--from=build /app/dist ./dist');
  });
});
