export { AuthError, type AuthErrorCode, type AuthStatus } from './auth-error';
export {
  type Authenticator,
  type AuthenticatorDeps,
  type AuthResult,
  createAuthenticator,
  SIGNATURE_REMOVED_BY_GOOGLE,
  type VerifiedCaller,
} from './authenticator';
export { extractBearerToken, type HeaderBag, headerValue, type TokenHeader } from './bearer-token';
export { CertFetchError, type CertSource, type Certs, createCertSource, type FetchLike } from './cert-source';
export { CLOCK_SKEW_S, GOOGLE_ISSUERS } from './claims';
export {
  type DerivedExecutionId,
  deriveExecutionId,
  EXECUTION_ID_PATTERN,
  type ExecutionIdInput,
  type ExecutionIdSource,
  InvalidExecutionIdError,
  sanitizeJobName,
} from './execution-id';
export { isStale } from './replay-window';
export { parseRfc3339, parseSchedulerHeaders, type SchedulerCall, SchedulerHeaderError } from './scheduler-headers';
