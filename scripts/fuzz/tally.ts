/** Counts of what the fuzz sent and what came back, plus a few examples of what deserves a look. */
export class Tally {
  readonly sent: Record<string, number> = {};
  readonly outcomes: Record<string, Record<string, number>> = {};
  /** Inputs answered with SB_INTERNAL, a 5xx or no answer at all: the first ones of each kind, to replay. */
  readonly samples: { kind: string; outcome: string; input: string }[] = [];

  /** The slowest answers, to find what holds the node up. */
  readonly slowest: { kind: string; ms: number; input: string }[] = [];

  timed(kind: string, ms: number, input: () => string): void {
    if (this.slowest.length >= 8 && ms <= this.slowest[this.slowest.length - 1]!.ms) return;
    this.slowest.push({ kind, ms: Math.round(ms), input: input().slice(0, 300) });
    this.slowest.sort((a, b) => b.ms - a.ms);
    this.slowest.length = Math.min(this.slowest.length, 8);
  }

  send(kind: string): void {
    this.sent[kind] = (this.sent[kind] ?? 0) + 1;
  }

  outcome(kind: string, outcome: string, input?: () => string): void {
    const byCode = (this.outcomes[kind] ??= {});
    byCode[outcome] = (byCode[outcome] ?? 0) + 1;
    if (input && isSuspect(outcome) && this.samples.filter((s) => s.kind === kind && s.outcome === outcome).length < 5) {
      this.samples.push({ kind, outcome, input: input().slice(0, 600) });
    }
  }

  /** How many answers were internal errors, server errors or timeouts. */
  suspects(): number {
    let n = 0;
    for (const byCode of Object.values(this.outcomes)) for (const [code, count] of Object.entries(byCode)) if (isSuspect(code)) n += count;
    return n;
  }
}

/** SB_INTERNAL, an HTTP 5xx other than the coded 503s, a request the node never answered, or a fault of the fuzzer's own. */
export function isSuspect(outcome: string): boolean {
  return outcome === 'SB_INTERNAL' || outcome === 'timeout' || outcome === 'fuzzer-error' || /^http:5\d\d$/.test(outcome);
}
