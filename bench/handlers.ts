/* Helpers the benchmark runs in child processes: serialize the handlers, evaluate a stack, run the burst model. */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { build, PROJECT } from "../tests/harness";
import { parseConfig, RawConfig } from "../config";
import { createDataLake } from "../stack";
import { plainHandlers, runDirect, runQueued } from "../tests/simulation/designs";
import { SCENARIOS } from "../tests/simulation/scenarios";

function stackConfig(stack: string): RawConfig {
    const file = yaml.load(fs.readFileSync(path.join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8")) as { config: Record<string, unknown> };
    const raw: RawConfig = { notificationEmail: "data-team@example.com" };
    for (const [key, value] of Object.entries(file.config)) {
        if (key.startsWith(`${PROJECT}:`)) raw[key.slice(PROJECT.length + 1)] = String(value);
    }
    return raw;
}

/** Builds the dev stack under mocks and evaluates the program completely (every resource registered). */
export async function evaluate(stack = "dev"): Promise<number> {
    const { resources } = await build((opts) => createDataLake(parseConfig(stackConfig(stack)), opts));
    return resources.all.length;
}

/** Writes each deployed handler's __index.js to `dir`; returns their sizes in bytes. */
export async function writeHandlers(dir: string): Promise<Record<string, number>> {
    const { resources } = await build((opts) => createDataLake(parseConfig(stackConfig("dev")), opts));
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
            scenario: scenario.name, crawls: queued.crawls, jobRuns: queued.jobRuns,
            directCrawls: direct.crawls, directJobRuns: direct.jobRuns, directLost: direct.lost,
        });
    }
    return rows;
}
