/*
 * `npm run bench`: archive size, cold start, program evaluation and the burst simulation's Glue runs, side by side.
 * Timings are medians of RUNS fresh Node processes; not part of `npm test`.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { archiveExcludes } from "../packages/csv-to-parquet/src/components/queueFunction";
import { packPackage } from "../testkit/packedPackage";

const ROOT = path.join(__dirname, "..");
const OUT = path.join(ROOT, "bench", ".out");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** What bench/tablefiles.py prints: the table's live data files after many small commits, and the baseline's. */
interface TableFileFigures {
    uploads: number;
    commits: number;
    compactions: number;
    live_files: number;
    mean_file_bytes: number;
    baseline_files: number;
    baseline_file_bytes: number;
}

/** What bench/conversion.py prints: medians of its runs, in seconds, and the core's input accounting. */
interface ConversionFigures {
    input_bytes: number;
    files: number;
    runs: number;
    baseline_s: number;
    core_s: number;
    bytes_read: number;
}

/** What bench/datasets.py prints: medians, in seconds. */
interface DatasetFigures {
    datasets: number;
    rows: number;
    runs: number;
    plain_s: number;
    core_s: number;
    local_s: number;
    session_s: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

/** Runs a script in a fresh Node process RUNS times; the script prints the milliseconds it measured. */
function timeChild(file: string, env: Record<string, string> = {}): number {
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
        const result = spawnSync(process.execPath, [file], {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, ...env },
        });
        if (result.status !== 0) throw new Error(`${file} failed: ${result.stderr}`);
        times.push(Number(result.stdout.trim().split("\n").pop()));
    }
    return median(times);
}

function du(p: string): number {
    const stat = fs.statSync(p);
    return stat.isDirectory() ? fs.readdirSync(p).reduce((sum, f) => sum + du(path.join(p, f)), 0) : stat.size;
}

/** Bytes CallbackFunction would add beside __index.js, with and without the @aws-sdk exclusions. */
async function shippedModules(exclude: string[]): Promise<number> {
    const paths = await pulumi.runtime.computeCodePaths({ extraExcludePackages: exclude });
    return [...paths.keys()].reduce((sum, p) => sum + du(path.join(ROOT, p)), 0);
}

async function main(): Promise<void> {
    fs.mkdirSync(OUT, { recursive: true });
    const ts = `require("ts-node").register({ transpileOnly: true, compilerOptions: { module: "commonjs" } });`;

    // Serialize the deployed handlers once (under mocks) into bench/.out.
    fs.writeFileSync(
        path.join(OUT, "serialize.js"),
        `${ts}
const { writeHandlers } = require(${JSON.stringify(path.join(ROOT, "bench", "handlers.ts"))});
writeHandlers(${JSON.stringify(OUT)}).then((sizes) => console.log(JSON.stringify(sizes)));`,
    );
    const serialized = spawnSync(process.execPath, [path.join(OUT, "serialize.js")], { cwd: ROOT, encoding: "utf8" });
    if (serialized.status !== 0) throw new Error(serialized.stderr);
    const sizes = JSON.parse(serialized.stdout.trim().split("\n").pop() as string) as Record<string, number>;

    const excluded = await shippedModules(archiveExcludes());
    const unexcluded = await shippedModules([]);

    // Cold start: a fresh process loads a handler and serves one SQS message of the kind its queue carries (an S3
    // upload for start-crawler, AWS's sample "Glue Crawler State Change" Succeeded event for start-job), with Glue's
    // and DynamoDB's `send` stubbed.
    const s3Upload = JSON.stringify({
        Records: [
            {
                eventSource: "aws:s3",
                eventName: "ObjectCreated:Put",
                eventTime: "2026-11-21T10:00:00Z",
                s3: { object: { key: "csv_data/a/1.csv", size: 1, eTag: "e", sequencer: "0A" } },
            },
        ],
    });
    const crawlSucceeded = fs
        .readFileSync(path.join(ROOT, "testkit", "fixtures", "glue-crawler-succeeded.json"), "utf8")
        .replace(/CRAWLER_NAME/g, "c");
    const cold = (handlerFile: string, body: string) => {
        const file = path.join(OUT, `cold-${path.basename(handlerFile)}`);
        fs.writeFileSync(
            file,
            `const t0 = performance.now();
const glue = require("@aws-sdk/client-glue");
glue.GlueClient.prototype.send = async () => ({ Crawler: { State: "READY" }, JobRunId: "jr_1" });
require("@aws-sdk/client-dynamodb").DynamoDBClient.prototype.send = async () => ({});
process.env.CRAWLER_NAME = "c"; process.env.JOB_NAME = "j"; process.env.RAW_PREFIX = "csv_data/"; process.env.UPLOADS_TABLE = "u";
process.env.AWS_REGION = "us-east-1";
console.info = () => undefined;
const { handler } = require(${JSON.stringify(handlerFile)});
const body = ${JSON.stringify(body)};
handler({ Records: [{ messageId: "1", body }] }, {}).then(() => process.stdout.write(String(performance.now() - t0)));`,
        );
        return timeChild(file);
    };
    // The same work written by hand: start-crawler's ledger write for the upload, then StartCrawler; start-job's
    // StartJobRun.
    const minimal = {
        "start-crawler": path.join(OUT, "minimal-start-crawler.js"),
        "start-job": path.join(OUT, "minimal-start-job.js"),
    };
    fs.writeFileSync(
        minimal["start-crawler"],
        `const { GlueClient, StartCrawlerCommand } = require("@aws-sdk/client-glue");
const { DynamoDBClient, UpdateItemCommand } = require("@aws-sdk/client-dynamodb");
const glue = new GlueClient({});
const db = new DynamoDBClient({});
exports.handler = async () => {
    await db.send(new UpdateItemCommand({ TableName: process.env.UPLOADS_TABLE, Key: { key: { S: "csv_data/a/1.csv" } }, UpdateExpression: "SET s = :s", ExpressionAttributeValues: { ":s": { S: "0A" } } }));
    await glue.send(new StartCrawlerCommand({ Name: process.env.CRAWLER_NAME }));
    return { batchItemFailures: [] };
};`,
    );
    fs.writeFileSync(
        minimal["start-job"],
        `const { GlueClient, StartJobRunCommand } = require("@aws-sdk/client-glue");
const glue = new GlueClient({});
exports.handler = async () => {
    await glue.send(new StartJobRunCommand({ JobName: process.env.JOB_NAME }));
    return { batchItemFailures: [] };
};`,
    );

    const program = path.join(OUT, "program.js");
    fs.writeFileSync(
        program,
        `const t0 = performance.now();
${ts}
const { evaluate } = require(${JSON.stringify(path.join(ROOT, "bench", "handlers.ts"))});
evaluate(process.env.STACK).then(() => process.stdout.write(String(performance.now() - t0)));`,
    );
    const floor = path.join(OUT, "floor.js");
    fs.writeFileSync(
        floor,
        `const t0 = performance.now(); require("@pulumi/aws"); process.stdout.write(String(performance.now() - t0));`,
    );

    const rows: [string, string, string, string][] = [];
    const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}×`;
    for (const name of ["start-crawler", "start-job"]) {
        rows.push([
            `${name} archive`,
            kb(sizes[name] + excluded),
            `${kb(sizes[name] + unexcluded)} without exclusions`,
            `${Math.round((sizes[name] + unexcluded) / (sizes[name] + excluded))}× smaller`,
        ]);
    }
    // The components' npm package: what `npm install` downloads, and what it unpacks.
    const packed = packPackage(fs.mkdtempSync(path.join(OUT, "pack-")));
    rows.push([
        "npm package (tarball)",
        `${kb(packed.size)}, ${packed.entryCount} files`,
        `${kb(packed.unpackedSize)} unpacked`,
        `${(packed.unpackedSize / packed.size).toFixed(1)}× compressed`,
    ]);
    for (const [name, body] of [
        ["start-crawler", s3Upload],
        ["start-job", crawlSucceeded],
    ] as const) {
        const deployed = cold(path.join(OUT, `${name}.js`), body);
        const hand = cold(minimal[name], body);
        rows.push([
            `${name} cold start`,
            `${deployed.toFixed(0)} ms`,
            `${hand.toFixed(0)} ms hand-written`,
            ratio(deployed, hand),
        ]);
    }
    const floorMs = timeChild(floor);
    for (const stack of ["dev", "prod"]) {
        const ms = timeChild(program, { STACK: stack });
        rows.push([
            `${stack} program evaluation`,
            `${ms.toFixed(0)} ms`,
            `${floorMs.toFixed(0)} ms loading @pulumi/aws`,
            ratio(ms, floorMs),
        ]);
    }
    const { burstFigures } = await import("./handlers");
    for (const r of await burstFigures()) {
        rows.push([
            `burst: ${r.scenario}`,
            `${r.crawls} crawls, ${r.jobRuns} job runs`,
            `${r.directCrawls} crawls, ${r.directJobRuns} job runs direct`,
            `${r.directLost} lost direct`,
        ]);
    }
    // The conversion on local Spark: the core (every check) against the seed job's read-and-write, same input.
    const conversion = spawnSync(
        "sh",
        [path.join(ROOT, "etl", "venv.sh"), "python", path.join(ROOT, "bench", "conversion.py")],
        {
            cwd: ROOT,
            encoding: "utf8",
            env: { ...process.env, BENCH_RUNS: String(Math.min(RUNS, 3)) },
        },
    );
    if (conversion.status !== 0) throw new Error(`bench/conversion.py failed: ${conversion.stderr}`);
    const c = JSON.parse(conversion.stdout.trim().split("\n").pop() as string) as ConversionFigures;
    const mb = (c.input_bytes / 1e6).toFixed(0);
    rows.push([
        `CSV → Parquet, local Spark (${mb} MB, ${c.files} files)`,
        `${c.core_s.toFixed(1)} s, every check, read ${(c.bytes_read / c.input_bytes).toFixed(2)}× the input`,
        `${c.baseline_s.toFixed(1)} s read CSV + write Parquet (seed job)`,
        ratio(c.core_s, c.baseline_s),
    ]);
    // Per-dataset cost and start-up: 20 small datasets against a plain-Spark loop; npm run local against a bare
    // SparkSession start, each in fresh processes.
    const datasets = spawnSync(
        "sh",
        [path.join(ROOT, "etl", "venv.sh"), "python", path.join(ROOT, "bench", "datasets.py")],
        { cwd: ROOT, encoding: "utf8", env: { ...process.env, BENCH_RUNS: String(Math.min(RUNS, 3)) } },
    );
    if (datasets.status !== 0) throw new Error(`bench/datasets.py failed: ${datasets.stderr}`);
    const d = JSON.parse(datasets.stdout.trim().split("\n").pop() as string) as DatasetFigures;
    rows.push([
        `${d.datasets} datasets of ${d.rows} rows, local Spark`,
        `${d.core_s.toFixed(1)} s, every check, Iceberg commits`,
        `${d.plain_s.toFixed(1)} s read CSV + write Parquet, one by one`,
        ratio(d.core_s, d.plain_s),
    ]);
    rows.push([
        "npm run local on examples/ (fresh process)",
        `${d.local_s.toFixed(1)} s`,
        `${d.session_s.toFixed(1)} s starting the SparkSession alone`,
        ratio(d.local_s, d.session_s),
    ]);
    // Table maintenance: the live data files of one table after 1,000 small uploads over 100 commits.
    const tableFiles = spawnSync(
        "sh",
        [path.join(ROOT, "etl", "venv.sh"), "python", path.join(ROOT, "bench", "tablefiles.py")],
        {
            cwd: ROOT,
            encoding: "utf8",
        },
    );
    if (tableFiles.status !== 0) throw new Error(`bench/tablefiles.py failed: ${tableFiles.stderr}`);
    const t = JSON.parse(tableFiles.stdout.trim().split("\n").pop() as string) as TableFileFigures;
    rows.push([
        `live data files after ${t.uploads.toLocaleString("en-US")} small uploads (${t.commits} commits)`,
        `${t.live_files} files of ${(t.mean_file_bytes / 1024).toFixed(1)} KiB on average (${t.compactions} compactions)`,
        `${t.baseline_files.toLocaleString("en-US")} files of ${(t.baseline_file_bytes / 1024).toFixed(1)} KiB (one per upload)`,
        `${(t.baseline_files / t.live_files).toFixed(0)}× fewer`,
    ]);
    const header: [string, string, string, string] = ["measure", "this project", "compared with", "ratio"];
    const widths = header.map((_, i) => Math.max(...[header, ...rows].map((r) => r[i].length)));
    const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`;
    console.log([line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n"));
    console.log(
        `\nmedians of ${RUNS} runs (the conversion: ${c.runs}, one SparkSession, alternating), Node ${process.versions.node}`,
    );
}

main().catch((err) => {
    console.error(err);
    process.exit(1);
});
