/**
 * The `/api/get` payload as a JSON reader gets it. The official dashboard (declared by its headers,
 * src/vocab/clientKind.ts) reads `return_value` and `error.message`, and never decodes the pickles
 * the Python client needs in the envelope: `entrypoint` and `request_body` (a pickled None) and
 * `error.object` (the pickled exception). Those are left out for it, so no answer it gets carries a
 * pickle; everything else is byte for byte the payload every client gets (requestRecord.ts).
 *
 * Done on the payload's text rather than by a second builder, so a result is never serialised twice:
 * the envelope's layout is fixed (`wirePayloadJson`), and inside any JSON string a quote is escaped,
 * so the unescaped keys searched for below can only be the envelope's own.
 */
import { PICKLED_NONE_BASE64 } from '../pickle/skypilotPickles';

const PICKLED_ENVELOPE = `"entrypoint":${JSON.stringify(PICKLED_NONE_BASE64)},"request_body":${JSON.stringify(PICKLED_NONE_BASE64)}`;
const ERROR_KEY = '"error":';

export function payloadForJsonReader(payloadJson: string): string {
  const text = payloadJson.replace(PICKLED_ENVELOPE, () => '"entrypoint":null,"request_body":null');
  const at = text.lastIndexOf(`${ERROR_KEY}"`);
  const end = text.indexOf(',"pid":', at);
  if (at < 0 || end < 0) return text;
  const start = at + ERROR_KEY.length;
  const error: unknown = JSON.parse(JSON.parse(text.slice(start, end)) as string);
  if (typeof error !== 'object' || error === null) return text;
  const { object: _pickled, ...readable } = error as Record<string, unknown>;
  return text.slice(0, start) + JSON.stringify(JSON.stringify(readable)) + text.slice(end);
}
