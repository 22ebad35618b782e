/** Token shapes GitHub issues (classic, fine-grained, installation incl. the 2026 JWT-style format). */
const PATTERNS: RegExp[] = [
  /\bgh[pousr]_[A-Za-z0-9_]{36,}\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g,
  /\bghs_[A-Za-z0-9_.-]{30,}/g,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g,
];

/**
 * Removes secrets from text we post to GitHub or log: the exact values we hold (the minted
 * token, the webhook secret) first, then anything shaped like a GitHub token or a private key.
 */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 8) out = out.split(secret).join("[redacted]");
  }
  for (const pattern of PATTERNS) out = out.replace(pattern, "[redacted]");
  return out;
}
