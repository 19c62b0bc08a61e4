/* Helpers the benchmark runs in child processes: serialize the handlers, evaluate a stack, run the burst model. */
import * as fs from "fs";
import * as path from "path";
import { buildStack } from "../testkit/stackFiles";
import { plainHandlers, runDirect, runQueued } from "../simulation/designs";
import { SCENARIOS } from "../simulation/scenarios";

/** Builds a stack under mocks and evaluates the program completely (every resource registered). */
export async function evaluate(stack = "dev"): Promise<number> {
    return (await buildStack(stack)).all.length;
}

/** Writes each deployed handler's __index.js to `dir`; returns their sizes in bytes. */
export async function writeHandlers(dir: string): Promise<Record<string, number>> {
    const resources = await buildStack("dev");
    const sizes: Record<string, number> = {};
    for (const fn of resources.ofType("aws:lambda/function:Function")) {
        const text: string = await (await fn.inputs.code.assets)["__index.js"].text;
        const name = fn.name.replace(/^csv-to-parquet-/, "").replace(/-fn$/, "");
        fs.writeFileSync(path.join(dir, `${name}.js`), text);
        sizes[name] = Buffer.byteLength(text);
    }
    return sizes;
}

/** Glue runs of the queued design and of the direct one (busy errors logged) in each burst scenario. */
export async function burstFigures() {
    const rows = [];
    for (const scenario of SCENARIOS) {
        const queued = await runQueued(scenario, plainHandlers);
        const direct = await runDirect(scenario, false);
        rows.push({
            scenario: scenario.name,
            crawls: queued.crawls,
            jobRuns: queued.jobRuns,
            directCrawls: direct.crawls,
            directJobRuns: direct.jobRuns,
            directLost: direct.lost,
        });
    }
    return rows;
}
