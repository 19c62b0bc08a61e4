/*
 * The package as a Pulumi plugin for every language: `pulumi package get-schema` infers the schema from the
 * TypeScript of packages/csv-to-parquet (PulumiPlugin.yaml), as `pulumi package add` does for a user. The CLI is
 * `pulumi` from PATH, else the offline copy beside this clone; with neither the tests are pending, never passed.
 * Offline, the CLI finds the plugins of the package's dependencies in a temporary PULUMI_HOME (it never runs them for
 * a schema). Generating the Python SDK needs the Python language host as well; without it that test is pending.
 */
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PIPELINE_OUTPUTS } from "../packages/csv-to-parquet/src/components/csvToParquetPipeline";
import { BUCKET_ENCRYPTIONS } from "../packages/csv-to-parquet/src/components/dataBucket";
import { EXECUTION_CLASSES, WORKER_TYPES } from "../packages/csv-to-parquet/src/components/glueJobOptions";
import { onPath, pulumiCli, TOOLS } from "../testkit/pulumiCli";

const ROOT = path.join(__dirname, "..");
const PACKAGE = path.join(ROOT, "packages", "csv-to-parquet");
const SOURCE = path.join(PACKAGE, "src", "components");

interface Property {
    type?: string;
    $ref?: string;
    description?: string;
    items?: Property;
    additionalProperties?: Property;
}
interface Resource {
    isComponent?: boolean;
    description?: string;
    inputProperties: Record<string, Property>;
    requiredInputs?: string[];
    properties: Record<string, Property>;
}
interface Schema {
    name: string;
    version: string;
    resources: Record<string, Resource>;
    types: Record<
        string,
        { type: string; enum?: { name: string; value: string }[]; properties?: Record<string, Property> }
    >;
}

/** The properties an interface of a source file declares, each with whether a doc comment stands above it. */
function declared(file: string, name: string): Map<string, boolean> {
    const text = fs.readFileSync(path.join(SOURCE, file), "utf8");
    const start = text.indexOf(`export interface ${name} {`);
    expect(start, `${name} in ${file}`).to.be.at.least(0);
    const body = text.slice(start, text.indexOf("\n}", start));
    return new Map([...body.matchAll(/(\*\/)?\n {4}(\w+)\??:/g)].map((m) => [m[2], m[1] !== undefined]));
}

/** Every plugin the package's dependencies name (`pulumi.resource` in their package.json), as `[name, version]`. */
function dependencyPlugins(dir = path.join(ROOT, "node_modules"), found = new Map<string, [string, string]>()) {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir) : []) {
        const folders = entry.startsWith("@")
            ? fs.readdirSync(path.join(dir, entry)).map((e) => path.join(entry, e))
            : [entry];
        for (const folder of folders) {
            const manifest = path.join(dir, folder, "package.json");
            if (!fs.existsSync(manifest)) continue;
            const { pulumi } = JSON.parse(fs.readFileSync(manifest, "utf8")) as {
                pulumi?: { resource?: boolean; name?: string; version?: string };
            };
            if (pulumi?.resource && pulumi.name && pulumi.version) {
                found.set(`${pulumi.name}@${pulumi.version}`, [pulumi.name, pulumi.version]);
            }
            dependencyPlugins(path.join(dir, folder, "node_modules"), found);
        }
    }
    return [...found.values()];
}

/** A PULUMI_HOME holding a stand-in executable for each of those plugins, enough for the CLI to infer a schema. */
function offlineHome(into: string): string {
    for (const [name, version] of dependencyPlugins()) {
        const folder = path.join(into, "plugins", `resource-${name}-v${version}`);
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, `pulumi-resource-${name}`), "#!/bin/sh\nexit 1\n", { mode: 0o755 });
    }
    return into;
}

describe("the package as a Pulumi plugin for any language (pulumi package get-schema)", function () {
    this.timeout(5 * 60_000);
    const cli = pulumiCli();
    let work: string;
    let schema: Schema;
    let env: NodeJS.ProcessEnv;
    const pipeline = () => schema.resources["csv-to-parquet:index:CsvToParquetPipeline"];
    const topic = () => schema.resources["csv-to-parquet:index:NotificationTopic"];

    before(function () {
        if (cli === undefined) {
            console.log(`      no Pulumi CLI on PATH or in ${TOOLS}: skipped`);
            this.skip();
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "plugin-schema-"));
        env = {
            ...process.env,
            PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: offlineHome(path.join(work, "home")),
            PULUMI_SKIP_UPDATE_CHECK: "true",
        };
        const done = spawnSync(cli as string, ["package", "get-schema", PACKAGE], {
            cwd: work,
            env,
            encoding: "utf8",
            maxBuffer: 64 * 1024 * 1024,
        });
        expect(done.status, `${done.stdout}${done.stderr}`).to.equal(0);
        schema = JSON.parse(done.stdout) as Schema;
        fs.writeFileSync(path.join(work, "schema.json"), done.stdout);
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it("names the package and its version after package.json, and holds both components", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(PACKAGE, "package.json"), "utf8")) as { version: string };
        expect(schema.name).to.equal("csv-to-parquet");
        expect(schema.version).to.equal(manifest.version);
        expect(Object.keys(schema.resources).sort()).to.deep.equal([
            "csv-to-parquet:index:CsvToParquetPipeline",
            "csv-to-parquet:index:NotificationTopic",
        ]);
        expect(pipeline().isComponent).to.equal(true);
        expect(topic().isComponent).to.equal(true);
    });

    it("takes every documented argument of both components, with its documentation", () => {
        for (const [resource, file, args] of [
            [pipeline(), "pipelineArgs.ts", "CsvToParquetPipelineArgs"],
            [topic(), "notificationTopic.ts", "NotificationTopicArgs"],
        ] as const) {
            const documented = declared(file, args);
            expect([...documented.values()].every(Boolean), `${args}: every argument documented`).to.equal(true);
            expect(Object.keys(resource.inputProperties).sort()).to.deep.equal([...documented.keys()].sort());
            for (const [name, property] of Object.entries(resource.inputProperties)) {
                expect(property.description, `${args}.${name}`).to.be.a("string").and.not.equal("");
            }
        }
        expect(pipeline().requiredInputs).to.deep.equal(["notificationTopicArn"]);
        expect(topic().requiredInputs ?? []).to.deep.equal([]);
    });

    it("gives the closed sets as enums and the data quality as a named type", () => {
        const values = (ref: string | undefined) =>
            schema.types[(ref ?? "").replace("#/types/", "")]?.enum?.map((member) => member.value);
        const inputs = pipeline().inputProperties;
        expect(values(inputs.workerType.$ref)).to.deep.equal([...WORKER_TYPES]);
        expect(values(inputs.executionClass.$ref)).to.deep.equal([...EXECUTION_CLASSES]);
        expect(values(inputs.bucketEncryption.$ref)).to.deep.equal([...BUCKET_ENCRYPTIONS]);
        expect(inputs.dataQuality.$ref).to.equal("#/types/csv-to-parquet:index:DataQuality");
        const quality = schema.types["csv-to-parquet:index:DataQuality"].properties ?? {};
        expect(Object.keys(quality).sort()).to.deep.equal(
            [...declared("pipelineArgs.ts", "DataQuality").keys()].sort(),
        );
        expect(inputs.partitionColumns).to.deep.include({
            type: "object",
            additionalProperties: { type: "string", plain: true },
        });
    });

    it("gives every output as a documented string: names, ARNs and locations", () => {
        for (const [resource, outputs] of [
            [pipeline(), [...PIPELINE_OUTPUTS]],
            [topic(), ["keyArn", "topicArn"]],
        ] as const) {
            expect(Object.keys(resource.properties).sort()).to.deep.equal([...outputs].sort());
            for (const [name, property] of Object.entries(resource.properties)) {
                expect(property.type, name).to.equal("string");
                expect(property.description, name).to.be.a("string").and.not.equal("");
            }
        }
    });

    it("refers to no other package's schema, so an SDK can be generated from it alone", () => {
        const text = JSON.stringify(schema);
        expect([...text.matchAll(/"\$ref":"(\/[^"]*)"/g)].map((m) => m[1])).to.deep.equal([]);
    });

    it("generates the Python SDK (pulumi package gen-sdk --language python)", function () {
        const host = onPath("pulumi-language-python") ?? path.join(TOOLS, "pulumi-language-python");
        if (!fs.existsSync(host)) {
            console.log("      no pulumi-language-python on PATH or in the offline tools: skipped");
            this.skip();
        }
        const out = path.join(work, "sdk");
        const done = spawnSync(
            cli as string,
            ["package", "gen-sdk", path.join(work, "schema.json"), "--language", "python", "--out", out],
            { cwd: work, env: { ...env, PATH: `${path.dirname(host)}${path.delimiter}${env.PATH}` }, encoding: "utf8" },
        );
        expect(done.status, `${done.stdout}${done.stderr}`).to.equal(0);
        const module = path.join(out, "python", "pulumi_csv_to_parquet");
        for (const file of ["csv_to_parquet_pipeline.py", "notification_topic.py", "_enums.py", "_inputs.py"]) {
            expect(fs.existsSync(path.join(module, file)), file).to.equal(true);
        }
    });
});
