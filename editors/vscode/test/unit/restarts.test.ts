import * as assert from "node:assert/strict";
import { describe, it } from "node:test";

import { RestartPolicy } from "../../src/restarts";

describe("failcast/restarts", () => {
    it("starts a crashed server again", () => {
        const policy = new RestartPolicy(5, 180_000);
        assert.deepEqual(policy.closed(0), { restart: true });
    });

    it("gives up on a crash loop and says why", () => {
        const policy = new RestartPolicy(3, 180_000);
        assert.equal(policy.closed(0).restart, true);
        assert.equal(policy.closed(1_000).restart, true);
        const third = policy.closed(2_000);
        assert.equal(third.restart, false);
        assert.match(third.message ?? "", /crashed 3 times in the last 3 minutes/);
    });

    it("forgets crashes older than the window", () => {
        const policy = new RestartPolicy(3, 180_000);
        policy.closed(0);
        policy.closed(1_000);
        // Both earlier crashes are past the window: this is the first.
        assert.equal(policy.closed(200_000).restart, true);
        assert.equal(policy.closed(201_000).restart, true);
        assert.equal(policy.closed(202_000).restart, false);
    });

    it("counts again after a deliberate restart", () => {
        const policy = new RestartPolicy(2, 180_000);
        policy.closed(0);
        policy.reset();
        assert.equal(policy.closed(1_000).restart, true);
    });
});
