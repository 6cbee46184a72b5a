import {
  createServer,
  request,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';

/**
 * An HTTP proxy on 127.0.0.1 in front of moto that fails a share of the calls the way AWS does:
 * - `throttle`: HTTP 400 with an `ErrorResponse` whose Code is `Throttling` ("Rate exceeded")
 *   for ELBv2, and EC2's HTTP 503 `RequestLimitExceeded`;
 * - `5xx`: HTTP 503 `ServiceUnavailable`;
 * - `reset`: the connection is dropped before the call reaches moto;
 * - `reset-after`: the call reaches moto and is applied, then the connection is dropped, so the
 *   client cannot know whether it happened (the case that tests idempotency).
 * Randomness is seeded, so a failing run can be replayed.
 */
export type FaultKind = 'throttle' | '5xx' | 'reset' | 'reset-after';

export interface FaultProxyOptions {
  /** moto's endpoint, `http://127.0.0.1:<port>`. */
  target: string;
  /** Share of calls that fail, 0..1. Changeable later with `setRate`. */
  rate?: number;
  kinds?: readonly FaultKind[];
  seed?: number;
  /** Only calls whose `Action` matches fail (all when absent). */
  actions?: RegExp;
}

export interface FaultProxy {
  readonly endpoint: string;
  setRate(rate: number): void;
  /** How many faults of each kind were injected, and how many calls passed. */
  readonly stats: Readonly<Record<FaultKind | 'passed', number>>;
  close(): Promise<void>;
}

/** mulberry32: a tiny seeded PRNG, good enough to pick faults reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.hostname !== '127.0.0.1')
    throw new TypeError('the fault proxy only forwards to 127.0.0.1');
  const kinds = options.kinds ?? ['throttle', '5xx', 'reset', 'reset-after'];
  const random = seededRandom(options.seed ?? 1);
  let rate = options.rate ?? 0;
  const stats: Record<FaultKind | 'passed', number> = {
    throttle: 0,
    '5xx': 0,
    reset: 0,
    'reset-after': 0,
    passed: 0,
  };

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const text = body.toString();
      const action = /(?:^|&)Action=([^&]+)/.exec(text)?.[1] ?? '';
      const eligible = !req.url?.startsWith('/moto-api') && (options.actions?.test(action) ?? true);
      const fault =
        eligible && random() < rate ? kinds[Math.floor(random() * kinds.length)] : undefined;
      if (fault === undefined) stats.passed += 1;
      else stats[fault] += 1;
      const isEc2 = text.includes('Version=2016-11-15');
      switch (fault) {
        case 'throttle':
          return isEc2
            ? ec2Error(res, 503, 'RequestLimitExceeded', 'Request limit exceeded.')
            : elbError(res, 400, 'Throttling', 'Rate exceeded');
        case '5xx':
          return isEc2
            ? ec2Error(res, 503, 'Unavailable', 'The server is overloaded')
            : elbError(res, 503, 'ServiceUnavailable', 'Service Unavailable');
        case 'reset':
          return void req.socket.destroy();
        default:
          return forward(req, res, body, fault === 'reset-after');
      }
    });
  });

  const forward = (
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    dropAnswer: boolean,
  ) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: Number(target.port),
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (answer) => {
        if (dropAnswer) {
          answer.resume();
          answer.on('end', () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    upstream.end(body);
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null)
    throw new Error('fault proxy has no address');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    setRate(r) {
      if (!(r >= 0 && r <= 1)) throw new RangeError(`rate must be within 0..1, got ${r}`);
      rate = r;
    },
    stats,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const requestId = () => '00000000-0000-4000-8000-000000000000';

function elbError(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<ErrorResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><Error><Type>${status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId()}</RequestId></ErrorResponse>`,
  );
}

function ec2Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'text/xml' });
  res.end(
    `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${requestId()}</RequestID></Response>`,
  );
}
