/**
 * When to start the server again after its process ends.
 *
 * `vscode-languageclient`'s default error handler shuts the client down
 * after a fourth failed write, and a server that dies with requests in
 * flight fails that many at once: the editor was left with no server after
 * a single kill. Write errors here never decide; the end of the process
 * does. A crashed server is started again unless it crashed `limit` times
 * within `windowMs` (a crash loop, which a restart would only repeat).
 * No `vscode` import, so the policy is unit-tested.
 */

export interface RestartDecision {
    restart: boolean;
    message?: string;
}

export class RestartPolicy {
    private readonly crashes: number[] = [];

    constructor(
        private readonly limit = 5,
        private readonly windowMs = 3 * 60 * 1000,
    ) {}

    /** The server process ended at `now` (milliseconds). */
    closed(now: number): RestartDecision {
        this.crashes.push(now);
        while (this.crashes.length > 0 && now - this.crashes[0] > this.windowMs) this.crashes.shift();
        if (this.crashes.length < this.limit) return { restart: true };
        const minutes = Math.round(this.windowMs / 60000);
        return {
            restart: false,
            message: `failcast: the server crashed ${this.crashes.length} times in the last ${minutes} minutes and will not be started again. See the output, then run "failcast: Restart Server".`,
        };
    }

    /** A deliberate restart starts the count again. */
    reset(): void {
        this.crashes.length = 0;
    }
}
