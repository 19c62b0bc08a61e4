// Puts the Glue entry script, the pins of what it installs and the conversion core beside the compiled components for `npm pack`, and takes them
// away again afterwards: etl/ at the repository root stays their one source. Usage: node scripts/etl.mjs copy|clean
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE = path.join(path.dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE = path.join(PACKAGE, "..", "..", "etl");
const TARGET = path.join(PACKAGE, "etl");

/** The core's modules: the Python files of etl/lake/, tests and caches left out. */
const isCoreModule = (name) => name.endsWith(".py") && !name.startsWith("test_") && name !== "conftest.py";

const command = process.argv[2];
fs.rmSync(TARGET, { recursive: true, force: true });
if (command === "copy") {
    fs.mkdirSync(path.join(TARGET, "lake"), { recursive: true });
    for (const name of ["glue_job.py", "job-requirements.txt"]) {
        fs.copyFileSync(path.join(SOURCE, name), path.join(TARGET, name));
    }
    for (const name of fs.readdirSync(path.join(SOURCE, "lake")).filter(isCoreModule)) {
        fs.copyFileSync(path.join(SOURCE, "lake", name), path.join(TARGET, "lake", name));
    }
} else if (command !== "clean") {
    console.error(`usage: node scripts/etl.mjs copy|clean (got ${command})`);
    process.exit(2);
}
