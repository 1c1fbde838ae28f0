export { AppError, type AppErrorDetails } from './app-error';
