export { type BuildInfo, buildInfo } from './build-info';
export {
  createLogger,
  type LogFields,
  type Logger,
  type LogLevel,
  type LogSink,
  REDACTED,
  silentLogger,
} from './logger';
