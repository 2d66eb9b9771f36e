/**
 * The one boundary where errors become HTTP answers. Every refusal has the same typed body:
 * `{detail, error: {type, code, message, issues?}}`; `detail` keeps SkyPilot clients, which print it,
 * readable. Temporary refusals carry `Retry-After`. Unknown errors answer 500 with a generic message:
 * never a stack trace.
 */
import type { ErrorRequestHandler } from 'express';
import type { ErrorBody } from '../api/wireTypes';
import { HttpError } from '../errors';
import { HEADERS } from '../vocab/headers';
import type { HttpReply } from './httpCall';

interface BodyParserError {
  type?: string;
  status?: number;
}

function fromBodyParser(err: BodyParserError): HttpError | null {
  switch (err.type) {
    case 'entity.too.large':
      return new HttpError(413, 'payload_too_large', 'PayloadTooLarge', 'Request body is too large.');
    case 'entity.parse.failed':
      return new HttpError(400, 'invalid_json', 'ValidationError', 'Request body is not valid JSON.');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new HttpError(415, 'unsupported_encoding', 'ValidationError', 'Unsupported request body encoding.');
    case 'request.aborted':
      return new HttpError(400, 'request_aborted', 'ValidationError', 'Request body was aborted.');
    default:
      return null;
  }
}

/** Any thrown value as the HttpError it is answered with. */
export function asHttpError(err: unknown): HttpError {
  if (err instanceof HttpError) return err;
  const parsed = fromBodyParser(err as BodyParserError);
  if (parsed) return parsed;
  const status = (err as BodyParserError | null)?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'bad_request', 'ValidationError', 'Bad request.');
  }
  console.error('[skypilot-ts] internal error:', err instanceof Error ? err.message : err);
  return new HttpError(500, 'internal_error', 'InternalError', 'Internal server error.');
}

export function errorReply(err: unknown): HttpReply {
  const error = asHttpError(err);
  const body: ErrorBody = {
    detail: error.message,
    error: { type: error.type, code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  };
  return {
    status: error.status,
    json: body,
    headers: error.retryAfterSeconds !== undefined ? { [HEADERS.retryAfter]: String(error.retryAfterSeconds) } : undefined,
  };
}

export const errorBoundary: ErrorRequestHandler = (err, _req, res, _next) => {
  if (res.headersSent) {
    res.end();
    return;
  }
  const reply = errorReply(err);
  if (reply.headers) res.set(reply.headers);
  res.status(reply.status).json(reply.json);
};
