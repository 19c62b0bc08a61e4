/*
 * The components as a user gets them: `npm pack`, the tarball installed into a fresh project, a small TypeScript
 * program compiled against its declarations and run under Pulumi mocks. The project's node_modules holds the
 * unpacked tarball and, linked from this clone's node_modules, only the packages the tarball and the program declare:
 * a dependency the package forgot to declare fails here, and nothing is downloaded.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { parseConfig, pipelineArgs } from "../config";
import { recordedSoFar, registered, startRecording } from "../testkit/harness";
import { Packed, packPackage } from "../testkit/packedPackage";
import { buildStack, projectValues, stackFile } from "../testkit/stackFiles";

const ROOT = path.join(__dirname, "..");
const EMAIL = "data-team@example.com";

/** The program a user writes: the stack's topic and pipeline, from arguments in a JSON file. */
const PROGRAM = `import * as fs from "fs";
import * as path from "path";
import { CsvToParquetPipeline, CsvToParquetPipelineArgs, NotificationTopic, WorkerType } from "csv-to-parquet";

type Settings = Omit<CsvToParquetPipelineArgs, "notificationTopicArn"> & { emails: string[] };
const { emails, ...args }: Settings = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "settings.json"), "utf8"));
const workerType: WorkerType = args.workerType ?? WorkerType.G1X;

const notifications = new NotificationTopic("notifications", {
    emails,
    displayName: "CSV to Parquet pipeline",
    protectKey: args.protectData,
});
const pipeline = new CsvToParquetPipeline("csv-to-parquet", {
    ...args,
    workerType,
    notificationTopicArn: notifications.topicArn,
    notificationTopicKeyArn: notifications.keyArn,
});
export const uploadLocation = pipeline.uploadLocation;
export const bucketArn = pipeline.resources.bucket.arn;
`;

/** Links `name` from this clone's node_modules into `modules`. */
function link(modules: string, name: string): void {
    const target = path.join(modules, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!fs.existsSync(target)) fs.symlinkSync(path.join(ROOT, "node_modules", name), target, "dir");
}

describe("the packed package, installed into a fresh project", function () {
    this.timeout(5 * 60_000);
    let work: string;
    let packed: Packed;
    let project: string;
    let installed: string;

    before(() => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "packed-"));
        packed = packPackage(work);
        project = path.join(work, "consumer");
        installed = path.join(project, "node_modules", "csv-to-parquet");
        fs.mkdirSync(installed, { recursive: true });
        const untar = spawnSync("tar", ["-xzf", packed.file, "-C", installed, "--strip-components=1"]);
        expect(untar.status, String(untar.stderr)).to.equal(0);
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
            dependencies: Record<string, string>;
        };
        const program = { "@pulumi/pulumi": "*", "@types/node": "*" };
        for (const name of Object.keys({ ...manifest.dependencies, ...program })) {
            link(path.join(project, "node_modules"), name);
        }
        fs.writeFileSync(
            path.join(project, "package.json"),
            JSON.stringify({
                name: "consumer",
                private: true,
                dependencies: { "csv-to-parquet": packed.file, ...program },
            }),
        );
        fs.writeFileSync(
            path.join(project, "tsconfig.json"),
            JSON.stringify({
                compilerOptions: {
                    strict: true,
                    target: "es2022",
                    module: "node16",
                    moduleResolution: "node16",
                    types: ["node"],
                    skipLibCheck: true,
                    outDir: "bin",
                },
                files: ["index.ts"],
            }),
        );
        fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("holds the compiled components, their declarations and the Glue assets, and nothing test-only", () => {
        const core = fs
            .readdirSync(path.join(ROOT, "etl", "lake"))
            .filter((f) => f.endsWith(".py") && !f.startsWith("test_"))
            .map((f) => `etl/lake/${f}`);
        expect(packed.files).to.include.members([
            "package.json",
            "LICENSE",
            "CHANGELOG.md",
            "README.md",
            "dist/index.js",
            "dist/index.d.ts",
            "dist/components/csvToParquetPipeline.js",
            "dist/components/csvToParquetPipeline.d.ts",
            "dist/functions/callbacks.js",
            "etl/glue_job.py",
            "etl/job-requirements.txt",
            ...core,
        ]);
        const unexpected = packed.files.filter(
            (f) =>
                !/^dist\/.+\.(js|d\.ts)$/.test(f) &&
                !core.includes(f) &&
                ![
                    "package.json",
                    "LICENSE",
                    "CHANGELOG.md",
                    "README.md",
                    "etl/glue_job.py",
                    "etl/job-requirements.txt",
                ].includes(f),
        );
        expect(unexpected, "files beside the compiled code, the Glue assets and the documents").to.deep.equal([]);
        expect(packed.files.filter((f) => /test|conftest|fixture|mock/i.test(f))).to.deep.equal([]);
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
        expect(manifest.version).to.match(/^0\.\d+\.\d+$/);
        expect(manifest.license).to.equal("Apache-2.0");
        expect(manifest.exports["."]).to.deep.equal({ types: "./dist/index.d.ts", default: "./dist/index.js" });
        expect(Object.keys(manifest.devDependencies ?? {})).to.not.include.members(["mocha", "chai", "eslint"]);
        expect(
            fs.existsSync(path.join(ROOT, "packages", "csv-to-parquet", "etl")),
            "the copied assets are removed",
        ).to.equal(false);
    });

    it("compiles a program against its declarations", () => {
        const tsc = spawnSync(
            process.execPath,
            [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", project],
            {
                cwd: project,
                encoding: "utf8",
            },
        );
        expect(tsc.status, `${tsc.stdout}${tsc.stderr}`).to.equal(0);
        expect(fs.existsSync(path.join(project, "bin", "index.js"))).to.equal(true);
    });

    it("under mocks, builds what the repository's dev stack builds, with the Glue assets from inside the package", async () => {
        const config = parseConfig({ ...projectValues(stackFile("dev")), notificationEmail: EMAIL });
        fs.writeFileSync(
            path.join(project, "settings.json"),
            JSON.stringify({ ...pipelineArgs(config), emails: [EMAIL] }),
        );
        const expected = (await buildStack("dev")).all.map((r) => `${r.type} ${r.name}`).sort();

        // Run as the Pulumi CLI would: from the project's folder, whose package.json the function archives follow.
        const cwd = process.cwd();
        const failures: unknown[] = [];
        const onFailure = (err: unknown) => failures.push(err);
        process.on("unhandledRejection", onFailure);
        process.chdir(project);
        try {
            startRecording();
            const program = require(path.join(project, "bin", "index.js")) as Record<string, pulumi.Output<string>>;
            for (const line of expected) {
                const [type, name] = line.split(" ");
                await registered(type, name).catch((err: Error) => {
                    const seen = new Set(recordedSoFar().map((r) => `${r.type} ${r.name}`));
                    const missing = expected.filter((e) => !seen.has(e)).join(", ");
                    throw new Error(`${err.message}; never registered: ${missing}; errors: ${failures.join("; ")}`);
                });
            }
            await new Promise<void>((resolve) => program.bucketArn.apply(() => resolve()));
        } finally {
            process.chdir(cwd);
            process.off("unhandledRejection", onFailure);
        }
        const built = recordedSoFar();
        expect(built.map((r) => `${r.type} ${r.name}`).sort()).to.deep.equal(expected);

        const script = built.find((r) => r.name === "csv-to-parquet-etl-script")?.inputs.source;
        expect(await script.path).to.equal(path.join(installed, "etl", "glue_job.py"));
        const core = await built.find((r) => r.name === "csv-to-parquet-etl-core")?.inputs.source.assets;
        const modules = Object.keys(core).sort();
        expect(modules).to.include("lake/__init__.py");
        for (const module of modules) expect(await core[module].path).to.equal(path.join(installed, "etl", module));

        for (const fn of built.filter((r) => r.type === "aws:lambda/function:Function")) {
            const assets = await fn.inputs.code.assets;
            // What else the archive holds follows the program's own dependencies; this package is never among them.
            expect(Object.keys(assets)).to.include("__index.js");
            const packaged = Object.keys(assets).filter((p) => p.includes("csv-to-parquet"));
            expect(packaged, `${fn.name}: the package left out of the archive`).to.deep.equal([]);
            const text: string = await assets["__index.js"].text;
            expect(text, `${fn.name}: the package's modules serialized by value`).to.not.match(
                /require\("csv-to-parquet/,
            );
            expect(text).to.match(/startCrawlerForBatch|startJobForBatch/);
        }
    });
});
