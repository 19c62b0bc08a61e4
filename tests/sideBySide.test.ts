import { spawnSync } from "child_process";
import * as path from "path";
import { expect } from "chai";

const SCRIPT = path.join(__dirname, "..", "testkit", "side-by-side.mjs");

function sideBySide(...commands: string[]) {
    return spawnSync(process.execPath, [SCRIPT, ...commands], { encoding: "utf8" });
}

describe("npm test's side-by-side runner", () => {
    it("runs the commands at once and prints each one's output whole, in the order they end", () => {
        const run = sideBySide("sleep 1; echo slow", "echo fast >&2");
        expect(run.status).to.equal(0);
        const fast = run.stdout.search(/===== echo fast >&2 \(\d+ s\) =====\nfast\n/);
        const slow = run.stdout.search(/===== sleep 1; echo slow \(\d+ s\) =====\nslow\n/);
        expect(fast, run.stdout).to.be.greaterThan(-1);
        expect(slow, run.stdout).to.be.greaterThan(fast);
    });

    it("fails when any command fails, naming it, after every command has ended", () => {
        const run = sideBySide("exit 3", "sleep 1; echo finished");
        expect(run.status).to.equal(1);
        expect(run.stdout).to.include("===== FAILED: exit 3 (exit 3) =====").and.include("finished");
    });
});
