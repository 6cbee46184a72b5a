import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A fresh self-signed certificate for 127.0.0.1, made with the system's `openssl` when an
 * RBAC sandbox starts (no key is ever stored). RBAC needs TLS because kubectl and client-go
 * send credentials (tokens, `--as` impersonation) only to a server reached over TLS.
 */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'lbctl-sandbox-tls-'));
  try {
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '30'],
        ...['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
        ...['-addext', 'basicConstraints=critical,CA:TRUE'],
      ],
      { stdio: 'pipe' },
    );
    return {
      key: readFileSync(join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(join(dir, 'cert.pem'), 'utf8'),
    };
  } catch (e) {
    throw new Error(
      'lbctl sandbox --authorization rbac needs the openssl command to make its TLS certificate',
      { cause: e },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
