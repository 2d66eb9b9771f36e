import { ApiError, errorFromHttpBody } from '../../src/client/apiError';

describe('errorFromHttpBody', () => {
  test("this server's typed body", () => {
    const err = errorFromHttpBody(
      403,
      JSON.stringify({
        detail: 'x',
        error: { type: 'DemoModeError', code: 'read_only', message: 'This is a read-only demo: launching is disabled.' },
      }),
    );
    expect(err).toMatchObject({
      status: 403,
      type: 'DemoModeError',
      code: 'read_only',
      message: 'This is a read-only demo: launching is disabled.',
    });
    expect(err.isReadOnly()).toBe(true);
    expect(err.isRetryable()).toBe(false);
  });

  test('a failed request payload in detail (error is a JSON string)', () => {
    const body = {
      detail: {
        request_id: 'r1',
        status: 'FAILED',
        return_value: 'null',
        error: JSON.stringify({ type: 'ClusterNotUpError', message: 'not up', object: 'gAROLg==' }),
      },
    };
    const err = errorFromHttpBody(500, JSON.stringify(body));
    expect(err).toMatchObject({ status: 500, type: 'ClusterNotUpError', message: 'not up', requestId: 'r1', code: 'request_failed' });
  });

  test("upstream demo's refusal through /api/get", () => {
    const body = { detail: { error: JSON.stringify({ message: 'Write operations are not allowed in Demo Mode', type: 'DemoModeError' }) } };
    expect(errorFromHttpBody(500, JSON.stringify(body)).isReadOnly()).toBe(true);
  });

  test('plain {detail: string} from upstream', () => {
    const err = errorFromHttpBody(404, JSON.stringify({ detail: 'Request abc not found' }));
    expect(err).toMatchObject({ status: 404, type: 'NotFound', message: 'Request abc not found' });
    expect(err.isNotFound()).toBe(true);
    expect(errorFromHttpBody(500, JSON.stringify({ detail: 'Write operations are not allowed in Demo Mode' })).isReadOnly()).toBe(true);
  });

  test('FastAPI 422 and version mismatch bodies', () => {
    const v = errorFromHttpBody(422, JSON.stringify({ detail: [{ loc: ['body', 'cluster_name'], msg: 'field required' }] }));
    expect(v).toMatchObject({ type: 'ValidationError', message: 'body.cluster_name: field required' });
    const m = errorFromHttpBody(400, JSON.stringify({ error: 'version_mismatch', message: 'client too old' }));
    expect(m).toMatchObject({ type: 'VersionMismatch', message: 'client too old' });
  });

  test('non-JSON bodies and gateways', () => {
    const err = errorFromHttpBody(502, '<html>Bad Gateway</html>');
    expect(err).toMatchObject({ status: 502, type: 'BadGateway', message: 'HTTP 502: <html>Bad Gateway</html>' });
    expect(err.isRetryable()).toBe(true);
    expect(errorFromHttpBody(504, '').message).toBe('HTTP 504');
  });

  test('ApiError helpers', () => {
    expect(new ApiError({ status: 500, type: 'WorkspaceNotFoundError', code: 'c', message: 'm' }).isNotFound()).toBe(true);
    expect(new ApiError({ status: 0, type: 'NetworkError', code: 'ECONNRESET', message: 'm' }).isRetryable()).toBe(true);
    expect(new ApiError({ status: 500, type: 'X', code: 'c', message: 'm' }).isRetryable()).toBe(false);
  });
});
