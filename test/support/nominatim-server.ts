// A Nominatim-compatible search server on loopback for the geocoding tests: real HTTP, Nominatim's JSON,
// every request recorded (city, arrival time, User-Agent) and the requests still being answered counted.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface NominatimRequest {
  city: string;
  at: number;
  userAgent?: string;
}

/** One place of Nominatim's `/search?format=jsonv2` answer. */
export interface NominatimTestPlace {
  lat: string;
  lon: string;
  osm_id: number;
}

/** What the server does with a request: send an HTTP error, or answer with this place (undefined: no result). */
export type NominatimReply = { status: number; headers?: Record<string, string> } | NominatimTestPlace | undefined;

export interface NominatimServer {
  /** The base URL to put in the settings. */
  url: string;
  requests: NominatimRequest[];
  /** Requests of this city so far. */
  asked(city: string): NominatimRequest[];
  /** Requests received and not answered yet. */
  inFlight(): number;
  close(): Promise<void>;
}

export async function startNominatimServer(
  reply: (city: string, server: NominatimServer) => NominatimReply | Promise<NominatimReply>,
): Promise<NominatimServer> {
  const requests: NominatimRequest[] = [];
  let pending = 0;
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse) => {
    const city = new URL(request.url ?? '/', 'http://localhost').searchParams.get('city') ?? '';
    requests.push({ city, at: Date.now(), userAgent: request.headers['user-agent'] });
    pending++;
    response.once('close', () => pending--);
    const answer = await reply(city, server);
    if (answer && 'status' in answer) return void response.writeHead(answer.status, answer.headers).end('refused');
    const body = answer ? [{ ...answer, osm_type: 'relation', name: city, display_name: `${city}, Somewhere` }] : [];
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };
  const http_ = http.createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => http_.listen(0, '127.0.0.1', resolve));
  const { port } = http_.address() as AddressInfo;
  const server: NominatimServer = {
    url: `http://127.0.0.1:${port}/`,
    requests,
    asked: (city) => requests.filter((request) => request.city === city),
    inFlight: () => pending,
    close: () => new Promise((resolve) => http_.close(() => resolve())),
  };
  return server;
}
