/** Version facts the protocol advertises (SkyPilot's `sky/server/constants.py`). */
export const API_VERSION = 27;
export const MIN_COMPATIBLE_API_VERSION = 11;
export const VERSION = '1.0.0-dev0';
export const COMMIT = process.env.SKYPILOT_COMMIT ?? 'skypilot-ts';
