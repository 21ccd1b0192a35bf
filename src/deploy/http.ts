/**
 * HTTP for the deploy clients: a per-request timeout, bounded exponential backoff on 429, 5xx,
 * timeouts and dropped connections (honouring Retry-After), and redaction of every secret from
 * anything that may be printed (messages, URLs, bodies).
 */

/** Replaces known secret values (and their URL-encoded forms) with `***`. */
export class Redactor {
  private readonly secrets = new Set<string>();

  add(secret: string | undefined): void {
    // Very short values would redact ordinary words; credentials are never that short.
    if (secret && secret.length >= 4) {
      this.secrets.add(secret);
      this.secrets.add(encodeURIComponent(secret));
    }
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret containing another is replaced whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('***');
    return out;
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt (so at most 1 + maxRetries requests). */
  readonly maxRetries: number;
  readonly baseDelayMs: number;
  /** Upper bound of any single wait, Retry-After included. */
  readonly maxDelayMs: number;
  readonly timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 60_000, timeoutMs: 30_000 };

export interface HttpResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** How many requests it took (1 = no retry). */
  readonly attempts: number;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly attempts: number,
  ) {
    super(message);
  }
}

export interface HttpClientOptions {
  readonly retry?: Partial<RetryPolicy>;
  readonly redactor: Redactor;
  /** Injected by tests to record waits without sleeping long. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (for logs and tests): reason and the wait chosen. */
  readonly onRetry?: (info: { readonly attempt: number; readonly reason: string; readonly delayMs: number }) => void;
}

export interface RequestInit {
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

export class HttpClient {
  readonly policy: RetryPolicy;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: HttpClientOptions) {
    this.policy = { ...DEFAULT_RETRY, ...opts.retry };
    this.sleep = opts.sleep ?? defaultSleep;
  }

  get redactor(): Redactor {
    return this.opts.redactor;
  }

  /**
   * Sends a request; returns any response that is not worth retrying (2xx, 3xx, 4xx other than
   * 429). Throws HttpError (already redacted) when every attempt failed.
   */
  async request(method: string, url: string, init: RequestInit = {}): Promise<HttpResponse> {
    const { maxRetries, baseDelayMs, maxDelayMs, timeoutMs } = this.policy;
    const where = this.opts.redactor.redact(`${method} ${stripQuery(url)}`);
    let last = '';
    let lastStatus: number | undefined;
    for (let attempt = 1; ; attempt++) {
      let delay = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
      try {
        const res = await fetch(url, {
          method,
          headers: init.headers,
          body: init.body,
          signal: AbortSignal.timeout(timeoutMs),
          redirect: 'manual',
        });
        const text = await res.text();
        if (res.status !== 429 && res.status < 500) return { status: res.status, headers: res.headers, text, attempts: attempt };
        lastStatus = res.status;
        last = `HTTP ${res.status}`;
        const ra = retryAfterMs(res.headers.get('retry-after'));
        if (ra !== undefined) delay = Math.min(maxDelayMs, ra);
      } catch (err) {
        lastStatus = undefined;
        last = describeNetworkError(err, timeoutMs);
      }
      if (attempt > maxRetries) {
        throw new HttpError(`${where}: gave up after ${attempt} attempts (last: ${last})`, lastStatus, attempt);
      }
      this.opts.onRetry?.({ attempt, reason: last, delayMs: delay });
      await this.sleep(delay);
    }
  }
}

function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}

function describeNetworkError(err: unknown, timeoutMs: number): string {
  if (err instanceof Error) {
    if (err.name === 'TimeoutError' || err.name === 'AbortError') return `no response within ${timeoutMs} ms`;
    const cause = (err as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : undefined;
    return `connection failed${code ? ` (${code})` : ''}`;
  }
  return 'connection failed';
}

/** A short, redacted description of an error response body, for messages. */
export function bodySnippet(text: string, redactor: Redactor): string {
  let msg = text;
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const e = j['error'];
    if (e && typeof e === 'object' && typeof (e as Record<string, unknown>)['message'] === 'string') msg = String((e as Record<string, unknown>)['message']);
    else if (typeof j['message'] === 'string') msg = j['message'];
    else if (Array.isArray(j['messages'])) msg = (j['messages'] as Array<{ text?: unknown }>).map((m) => String(m.text ?? '')).join('; ');
    else if (typeof j['error_description'] === 'string') msg = j['error_description'];
  } catch {
    // not JSON: keep the text
  }
  msg = msg.replace(/\s+/g, ' ').trim();
  return redactor.redact(msg.length > 300 ? `${msg.slice(0, 300)}…` : msg);
}
