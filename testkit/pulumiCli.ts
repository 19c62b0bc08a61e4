/* The Pulumi CLI the tests run: the user's on PATH first, then the offline copy beside this clone. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
/** Where CI and developers have the offline Pulumi tools: beside the clone, unless PULUMI_OFFLINE_TOOLS says. */
export const TOOLS = process.env.PULUMI_OFFLINE_TOOLS ?? path.join(ROOT, "..", "shared", "tools", "pulumi");

/** The path of a command on PATH, if there is one. */
export function onPath(command: string): string | undefined {
    const found = spawnSync("sh", ["-c", `command -v ${command}`], { encoding: "utf8" });
    return found.status === 0 ? found.stdout.trim() : undefined;
}

/** The Pulumi CLI to run: the user's on PATH first, then the offline copy; undefined with neither. */
export function pulumiCli(): string | undefined {
    const offline = path.join(TOOLS, "pulumi");
    return onPath("pulumi") ?? (fs.existsSync(offline) ? offline : undefined);
}
