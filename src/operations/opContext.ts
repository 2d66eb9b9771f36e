/** What an operation receives besides its input; defined by the plumbing that builds it (src/http/opContext.ts). */
export type { OpContext } from '../http/opContext';
