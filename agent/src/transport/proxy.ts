import { getProxyForUrl } from 'proxy-from-env';

/**
 * The proxy to use for `url`, from HTTPS_PROXY / HTTP_PROXY / ALL_PROXY and NO_PROXY (either
 * case), or undefined for a direct connection. One rule for both transports.
 */
export function proxyFor(url: string): string | undefined {
  // gRPC URLs are not http(s); ask as the HTTPS (or HTTP) URL they travel like.
  const asHttp = url.replace(/^grpcs:/, 'https:').replace(/^grpc:/, 'http:').replace(/^wss:/, 'https:').replace(/^ws:/, 'http:');
  const proxy = getProxyForUrl(asHttp);
  return proxy === '' ? undefined : proxy;
}
