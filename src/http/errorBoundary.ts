/**
 * The one boundary where errors become HTTP responses. Every refusal has the same typed body:
 * `{detail, error: {type, code, message, issues?}}`; `detail` keeps SkyPilot clients, which print it,
 * readable. Unknown errors answer 500 with a generic message: never a stack trace.
 */
import type { ErrorRequestHandler, Response } from 'express';
import type { ErrorBody } from '../api/wireTypes';
import { HttpError } from '../errors';

export function sendError(res: Response, error: HttpError): void {
  const body: ErrorBody = {
    detail: error.message,
    error: { type: error.type, code: error.code, message: error.message, ...(error.issues ? { issues: error.issues } : {}) },
  };
  res.status(error.status).json(body);
}

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

export const errorBoundary: ErrorRequestHandler = (err, _req, res, _next) => {
  if (res.headersSent) {
    res.end();
    return;
  }
  if (err instanceof HttpError) {
    sendError(res, err);
    return;
  }
  const parsed = fromBodyParser(err as BodyParserError);
  if (parsed) {
    sendError(res, parsed);
    return;
  }
  const status = (err as BodyParserError).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    sendError(res, new HttpError(status, 'bad_request', 'ValidationError', 'Bad request.'));
    return;
  }
  console.error('[skypilot-ts] internal error:', err instanceof Error ? err.message : err);
  sendError(res, new HttpError(500, 'internal_error', 'InternalError', 'Internal server error.'));
};
