// Runs independent test commands at the same time (npm test: the Node suite and the Python suite, which share no
// files or ports), prints each one's output whole when it ends, and fails when any of them failed.
// Usage: node testkit/side-by-side.mjs "<command>" "<command>" ...
import { spawn } from "node:child_process";

const commands = process.argv.slice(2);
if (commands.length === 0) {
    console.error('usage: node testkit/side-by-side.mjs "<command>" ...');
    process.exit(2);
}

function run(command) {
    return new Promise((resolve) => {
        const started = Date.now();
        process.stdout.write(`running: ${command}\n`);
        const child = spawn(command, { shell: true, stdio: ["ignore", "pipe", "pipe"] });
        const output = [];
        child.stdout.on("data", (chunk) => output.push(chunk));
        child.stderr.on("data", (chunk) => output.push(chunk));
        child.on("close", (code, signal) => {
            const seconds = Math.round((Date.now() - started) / 1000);
            process.stdout.write(`\n===== ${command} (${seconds} s) =====\n`);
            process.stdout.write(Buffer.concat(output));
            const failed = code !== 0;
            if (failed) process.stdout.write(`\n===== FAILED: ${command} (${signal ?? `exit ${code}`}) =====\n`);
            resolve(failed);
        });
    });
}

const failures = (await Promise.all(commands.map(run))).filter(Boolean).length;
process.exit(failures === 0 ? 0 : 1);
