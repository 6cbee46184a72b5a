import { destination, pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/**
 * JSON logs, one object a line (pino). Reconciles log through a child logger bound to the
 * Service key, so every line about a Service carries `"service":"namespace/name"`.
 */
export function createLogger(options: {
  level: LogLevel;
  destination?: DestinationStream;
}): Logger {
  return pino(
    {
      level: options.level,
      base: { component: 'lbctl' },
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    options.destination ?? destination({ fd: 2, sync: true }),
  );
}
