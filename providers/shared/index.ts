// Generic cloud-call plumbing shared by every provider: no SDK imports here.
export {
  createCloudCaller,
  type CloudCall,
  type CloudCallerOptions,
  type CloudOperation,
  type RetryOptions,
} from './cloud-caller.js';
export {
  createRateLimiter,
  type ClassLimit,
  type RateLimiter,
  type RateLimiterOptions,
} from './rate-limiter.js';
