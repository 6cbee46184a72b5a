import { ApiError, notFound } from './errors.js';
import type { FakeCompute } from './server.js';
import type { Json } from './store.js';
import { selfLink } from './store.js';

/** Where an Operation runs: `global`, `regions/<r>` or `zones/<z>` of a project. */
export interface OperationScope {
  project: string;
  scope: string;
}

/** What an Operation acts on, as its body reports it. */
export interface OperationTarget {
  targetPath: string;
  targetId: string;
  operationType: string;
}

/** Starts an Operation; its effect happens now unless the fault injector dooms it, then it ends DONE with an error. */
export function mutate(
  fake: FakeCompute,
  r: OperationScope,
  { targetPath, targetId, operationType }: OperationTarget,
  apply: () => void,
): Json {
  const store = fake.store;
  const name = `operation-${Date.parse(store.now())}-${store.id().slice(-8)}`;
  const opPath = `projects/${r.project}/${r.scope}/operations/${name}`;
  const fails = fake.operationFails();
  if (!fails) apply();
  const scopeField =
    r.scope === 'global'
      ? {}
      : {
          [r.scope.startsWith('regions') ? 'region' : 'zone']: selfLink(
            `projects/${r.project}/${r.scope}`,
          ),
        };
  const body: Json = {
    kind: 'compute#operation',
    id: store.id(),
    name,
    operationType,
    targetLink: selfLink(targetPath),
    targetId,
    status: 'RUNNING',
    user: 'lbctl-fake@lbctl-test.iam.gserviceaccount.com',
    progress: 0,
    insertTime: store.now(),
    startTime: store.now(),
    selfLink: selfLink(opPath),
    ...scopeField,
  };
  const done: Json = {
    ...body,
    status: 'DONE',
    progress: 100,
    endTime: store.now(),
    ...(fails
      ? {
          error: {
            errors: [
              {
                code: 'INTERNAL_ERROR',
                message: `Internal error while running ${operationType} on ${targetPath}. Please retry.`,
              },
            ],
          },
          httpErrorStatusCode: 503,
          httpErrorMessage: 'SERVICE UNAVAILABLE',
        }
      : {}),
  };
  store.operations.set(opPath, { body: done, pollsLeft: fake.operationPolls });
  return body;
}

export function operation(fake: FakeCompute, path: string, verb: string): Json {
  const opPath = verb === 'wait' ? path : path;
  const op = fake.store.operations.get(opPath.replace(/\/wait$/, ''));
  if (op === undefined) throw notFound(opPath);
  if (verb !== 'get' && verb !== 'wait')
    throw new ApiError(400, 'badRequest', `operations.${verb} is not supported`);
  if (op.pollsLeft > 0) {
    op.pollsLeft--;
    return {
      ...op.body,
      status: 'RUNNING',
      progress: 50,
      error: undefined,
      httpErrorStatusCode: undefined,
      httpErrorMessage: undefined,
      endTime: undefined,
    };
  }
  return op.body;
}
