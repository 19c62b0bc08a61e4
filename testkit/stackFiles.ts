/* The stack files as the Pulumi CLI hands them to the program, for the stack tests and the benchmark. */
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { parseConfig, RawConfig } from "../config";
import { createDataLake } from "../stack";
import { build, PROJECT, Resources } from "./harness";

/** A stack file's values, as `pulumi config` would hand them to the program. */
export function stackFile(stack: string): Record<string, string> {
    const file = yaml.load(fs.readFileSync(path.join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8")) as {
        config: Record<string, unknown>;
    };
    const values: Record<string, string> = {};
    for (const [key, value] of Object.entries(file.config)) {
        values[key] = String(value);
    }
    return values;
}

/** This project's keys of a stack file, without the project prefix. */
export function projectValues(values: Record<string, string>): RawConfig {
    const raw: RawConfig = {};
    for (const [key, value] of Object.entries(values)) {
        if (key.startsWith(`${PROJECT}:`)) {
            raw[key.slice(PROJECT.length + 1)] = value;
        }
    }
    return raw;
}

/** A stack's resources under mocks, with its stack file and one notification address. */
export async function buildStack(stack: string): Promise<Resources> {
    const config = parseConfig({ ...projectValues(stackFile(stack)), notificationEmail: "data-team@example.com" });
    return (await build((opts) => createDataLake(config, opts))).resources;
}
