// Reads docker-compose.yml and the Dockerfile as Docker would (interpolation with defaults, YAML merge keys),
// for test/docker-compose.test.ts: no Docker needed.
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { REPO_ROOT } from '../../common/env';

const dependsOn = z.record(
  z.string(),
  z.object({ condition: z.enum(['service_started', 'service_healthy', 'service_completed_successfully']) }),
);

const service = z.looseObject({
  image: z.string(),
  build: z.union([z.string(), z.object({ context: z.string() })]).optional(),
  command: z.array(z.string()).optional(),
  environment: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  ports: z.array(z.string()).default([]),
  volumes: z.array(z.string()).default([]),
  depends_on: dependsOn.default({}),
  healthcheck: z.looseObject({ test: z.array(z.string()).min(2) }).optional(),
  restart: z.enum(['no', 'always', 'on-failure', 'unless-stopped']).optional(),
});

const composeFile = z.object({
  name: z.string(),
  services: z.record(z.string(), service),
  volumes: z.record(z.string(), z.null()).default({}),
});

export type ComposeService = z.infer<typeof service>;
export type ComposeFile = z.infer<typeof composeFile>;

/** Compose interpolation as a user without any variables set sees it: `${VAR:-default}` gives the default. */
export function interpolate(text: string): string {
  return text.replace(
    /\$\$|\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}/g,
    (match, name: string | undefined, fallback: string | undefined) => {
      if (match === '$$') return '$';
      if (fallback === undefined)
        throw new Error(`\${${name}} has no default: compose would fail or pass an empty value`);
      return fallback;
    },
  );
}

export function readCompose(file = path.join(REPO_ROOT, 'docker-compose.yml')): ComposeFile {
  return composeFile.parse(parse(interpolate(fs.readFileSync(file, 'utf8')), { merge: true }));
}

export interface PublishedPort {
  ip: string;
  host: number;
  container: number;
}

/** `ip:host:container` (the only form the compose file uses: every published port on an explicit address). */
export function publishedPort(spec: string): PublishedPort {
  const match = /^(\d+\.\d+\.\d+\.\d+):(\d+):(\d+)$/.exec(spec);
  if (!match) throw new Error(`port "${spec}" is not ip:host:container`);
  return { ip: match[1]!, host: Number(match[2]), container: Number(match[3]) };
}

export interface Dockerfile {
  /** every `FROM` image */
  from: string[];
  /** `ENV` of the last stage, the one that runs */
  env: Record<string, string>;
  cmd: string[];
  run: string[];
  copy: string[];
}

/** Joins continued lines and splits the final stage's `ENV a=1 b=2` into variables. */
export function readDockerfile(file = path.join(REPO_ROOT, 'Dockerfile')): Dockerfile {
  const lines = fs
    .readFileSync(file, 'utf8')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const result: Dockerfile = { from: [], env: {}, cmd: [], run: [], copy: [] };
  for (const line of lines) {
    const [, instruction = '', rest = ''] = /^(\w+)\s+(.*)$/.exec(line) ?? [];
    if (instruction === 'FROM') {
      result.from.push(rest.split(/\s+/)[0]!);
      result.env = {};
    }
    if (instruction === 'ENV') {
      for (const pair of rest.split(/\s+/)) {
        const [name, ...value] = pair.split('=');
        result.env[name!] = value.join('=');
      }
    }
    if (instruction === 'CMD') result.cmd = z.array(z.string()).parse(JSON.parse(rest));
    if (instruction === 'RUN') result.run.push(rest);
    if (instruction === 'COPY') result.copy.push(rest);
  }
  return result;
}
