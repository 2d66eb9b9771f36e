/** The one error a demo refusal carries: HTTP 403, type `DemoModeError`, a message saying why. */
import { HttpError } from '../errors';

export const DEMO_READ_ONLY_MESSAGE = 'This is a read-only demo of SkyPilot: changes are not allowed.';

export class DemoModeError extends HttpError {
  constructor(detail?: string) {
    super(403, 'demo_read_only', 'DemoModeError', detail ? `${DEMO_READ_ONLY_MESSAGE} (${detail})` : DEMO_READ_ONLY_MESSAGE);
  }
}
