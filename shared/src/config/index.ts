export { apiKeyFingerprint, deriveAccountId, UNKEYED_ACCOUNT_ID } from './account-id';
export { type AuthMode, type Config, isLoopbackUrl, loadConfig } from './config';
export { ConfigError } from './config-error';
export { ENV_VARS } from './env';
