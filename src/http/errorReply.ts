/**
 * The one boundary where errors become HTTP answers. Every refusal has the same typed body:
 * `{detail, error: {type, code, message, issues?}}`; `detail` keeps SkyPilot clients, which print it,
 * readable. Temporary refusals carry `Retry-After`. Unknown errors answer 500 with a generic message:
 * never a stack trace.
 */
import type { ErrorRequestHandler } from 'express';
import type { ErrorBody } from '../api/wireTypes';
import { HttpError } from '../errors';
import { pythonExceptionClass } from '../vocab/errorTypes';
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

/**
 * A refusal for an endpoint whose client rebuilds a Python exception from `detail` instead of printing
 * it: upstream's `/validate` answers 400 with `detail = serialize_exception(e)`, and the official
 * client raises `deserialize_exception(detail)` on a 400 (and reads nothing else). So `detail` holds
 * the five keys it reads, `type` the class it rebuilds (PYTHON_EXCEPTION_CLASS); `error` is the typed
 * body every other refusal has. Always 400: that is the only status the client reads.
 */
export function exceptionDetailReply(error: HttpError): HttpReply {
  const type = pythonExceptionClass(error.type);
  return {
    status: 400,
    json: {
      detail: { type, message: error.message, args: [error.message], attributes: {}, stacktrace: null },
      error: { type: error.type, code: error.code, message: error.message },
    },
  };
}
