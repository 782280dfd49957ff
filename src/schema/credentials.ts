/**
 * Secrets never live in a file streamchaos reads: the file is copied into the run's History, the
 * plan prints its addresses, and a pull request shows it to everyone. These tell a secret apart
 * (credentials in a URL or an address, a setting whose name says it holds one) so it is refused
 * at its line; no message quotes the value, only where it is and what to do instead.
 */

/** How secrets are given instead, for messages. */
export const SECRETS_BY_NAME =
  "streamchaos reads secrets only from environment variables whose names the file gives (as security.sasl's usernameEnv and passwordEnv do), and never writes them into plans, reports or the history";

/** `scheme://user:password@host…` or `scheme://token@host…`: an authority with userinfo. */
const URL_WITH_USERINFO = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]*@/i;

/** Whether `url` carries credentials before its host (`http://user:password@host`). */
export function urlHasCredentials(url: string): boolean {
  return URL_WITH_USERINFO.test(url);
}

/** Whether a `host:port` address carries credentials (`user:password@host:port`, `token@host:port`). */
export function addressHasCredentials(address: string): boolean {
  return address.includes('@');
}

/**
 * Whether some URL inside `text` carries credentials (`SASL_SSL://u:p@host:9093` in a value).
 * Linear in the text: each `://` is looked at once, with the authority after it up to its end
 * (a regular expression searched at every position would be quadratic on a long value).
 */
export function textHasUrlCredentials(text: string): boolean {
  for (let at = text.indexOf('://'); at !== -1; at = text.indexOf('://', at + 3)) {
    if (at === 0 || !/[a-z0-9+.-]/i.test(text[at - 1] ?? '')) continue; // no scheme before it
    for (let i = at + 3; i < text.length; i++) {
      const ch = text[i] ?? '';
      if (ch === '@') return true;
      if (ch === '/' || ch === '?' || ch === '#' || /\s/.test(ch)) break;
    }
  }
  return false;
}

/** The message for credentials found in a URL or address; `what` names the field ("the Toxiproxy API URL"). */
export function credentialsInUrlMessage(what: string, instead: string): string {
  return `${what} holds credentials (a user name or password before '@'); it is not shown here, and it is refused: ${instead}`;
}

const SECRET_WORDS = new Set(['PASSWORD', 'PASSWD', 'PASSPHRASE', 'SECRET', 'SECRETS', 'TOKEN', 'APIKEY', 'CREDENTIAL', 'CREDENTIALS']);
const SECRET_PAIRS = new Set(['API_KEY', 'PRIVATE_KEY', 'ACCESS_KEY', 'SECRET_KEY']);

/** Whether an environment variable's name says it holds a secret (`DB_PASSWORD`, `GITHUB_TOKEN`, `AWS_SECRET_ACCESS_KEY`). */
export function isSecretVariableName(name: string): boolean {
  const words = name.toUpperCase().split('_');
  return words.some((w, i) => SECRET_WORDS.has(w) || SECRET_PAIRS.has(`${w}_${words[i + 1] ?? ''}`));
}

/** Whether a Kafka config name says its value is a secret (`ssl.keystore.password`, `sasl.jaas.config`, `password.encoder.secret`). */
export function isSecretConfigName(name: string): boolean {
  return /(?:^|\.)(?:password|secret)$|(?:^|\.)jaas\.config$|(?:^|\.)secret\.key$/i.test(name);
}
