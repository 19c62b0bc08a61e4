import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, ConfigError, parseConfig, parseEmails, RawConfig } from "../config";

const REQUIRED: RawConfig = {
    notificationEmail: "team@example.com",
    crawlerName: "my-crawler",
    jobName: "my-job",
    databaseName: "my_raw",
    curatedDatabaseName: "my_curated",
};

function errorOf(raw: RawConfig): ConfigError {
    try {
        parseConfig(raw);
    } catch (err) {
        expect(err).to.be.instanceOf(ConfigError);
        return err as ConfigError;
    }
    throw new Error("parseConfig accepted invalid config");
}

interface ProjectFile {
    name: string;
    config: Record<string, { type: string; description: string; default?: string | number | boolean }>;
}

describe("stack config", () => {
    it("applies every default when only the required keys are set", () => {
        const config = parseConfig(REQUIRED);
        expect(config).to.deep.equal({
            notificationEmails: ["team@example.com"],
            crawlerName: "my-crawler",
            jobName: "my-job",
            databaseName: "my_raw",
            curatedDatabaseName: "my_curated",
            ...CONFIG_DEFAULTS,
            keyColumns: [],
            partitionColumns: {},
            nullValues: [],
        });
        expect(config.rawPrefix).to.equal("csv_data/");
        expect(config.outputPrefix).to.equal("parquet_data/");
        expect(config.numberOfWorkers).to.equal(2);
        expect(config.workerType).to.equal("G.1X");
    });

    it("refuses glueVersion, no longer a setting, naming the key and the Glue version the job runs", () => {
        const error = errorOf({ ...REQUIRED, glueVersion: "5.0" });
        expect(error.key).to.equal("glueVersion");
        expect(error.message).to.contain("Glue 5.0").and.contain("pulumi config rm glueVersion");
        expect(CONFIG_KEYS).to.not.include("glueVersion");
    });

    for (const key of ["notificationEmail", "crawlerName", "jobName", "databaseName", "curatedDatabaseName"]) {
        it(`requires ${key} and names it`, () => {
            const error = errorOf({ ...REQUIRED, [key]: undefined });
            expect(error.key).to.equal(key);
            expect(error.message).to.contain(`"${key}"`).and.contain(`pulumi config set ${key}`);
        });
    }

    it("accepts several addresses separated by commas and drops duplicates", () => {
        expect(parseEmails("a@example.com, b@example.org;A@example.com")).to.deep.equal([
            "a@example.com",
            "b@example.org",
        ]);
        expect(
            parseConfig({ ...REQUIRED, notificationEmail: "a@example.com,b@example.org" }).notificationEmails,
        ).to.deep.equal(["a@example.com", "b@example.org"]);
    });

    it("reads key columns as a list and partition columns per dataset", () => {
        const config = parseConfig({
            ...REQUIRED,
            keyColumns: "order_id, Customer ID,",
            partitionColumns: "sales=order_date; events = day",
            nullValues: "NULL, N/A,",
        });
        expect(config.keyColumns).to.deep.equal(["order_id", "Customer ID"]);
        expect(config.nullValues).to.deep.equal(["NULL", "N/A"]);
        expect(config.partitionColumns).to.deep.equal({ sales: "order_date", events: "day" });
    });

    const invalid: [string, RawConfig, string, string][] = [
        [
            "a curated database equal to the raw one",
            { curatedDatabaseName: "my_raw" },
            "curatedDatabaseName",
            "differ from databaseName",
        ],
        [
            "a quarantine prefix inside the output prefix",
            { quarantinePrefix: "parquet_data/bad/" },
            "quarantinePrefix",
            "overlaps outputPrefix",
        ],
        [
            "Athena results inside the raw prefix",
            { athenaPrefix: "csv_data/athena/" },
            "athenaPrefix",
            "overlaps rawPrefix",
        ],
        [
            "an Athena scan limit under 10 MiB",
            { athenaBytesScannedCutoffMb: "5" },
            "athenaBytesScannedCutoffMb",
            "outside 10..",
        ],
        ["rules that are not a DQDL list", { dataQualityRules: "RowCount > 0" }, "dataQualityRules", "DQDL"],
        ["a quarantine share over 100%", { maxQuarantinedPercent: "150" }, "maxQuarantinedPercent", "outside 0..100"],
        [
            "a partition entry without a column",
            { partitionColumns: "sales" },
            "partitionColumns",
            "<dataset folder>=<column>",
        ],
        ["a dataset partitioned twice", { partitionColumns: "sales=a;sales=b" }, "partitionColumns", "given twice"],
        ["a non-boolean autoScaling", { autoScaling: "maybe" }, "autoScaling", "true or false"],
        ["a null value too long to be a marker", { nullValues: "NULL," + "x".repeat(65) }, "nullValues", "1-64"],
        ["more than 10 job retries", { jobMaxRetries: "11" }, "jobMaxRetries", "outside 0..10"],
        ["a bad email", { notificationEmail: "a@example.com,not-an-email" }, "notificationEmail", "not-an-email"],
        ["an empty email list", { notificationEmail: " , " }, "notificationEmail", "no email"],
        ["a crawler name with spaces", { crawlerName: "my crawler" }, "crawlerName", "my crawler"],
        [
            "a job name too long for its security configuration name",
            { jobName: "j".repeat(247) },
            "jobName",
            "247 characters",
        ],
        ["a database name Athena rejects", { databaseName: "My-Db" }, "databaseName", "My-Db"],
        ["an unknown worker type", { workerType: "G.3X" }, "workerType", "G.3X"],
        ["fewer than 2 workers", { numberOfWorkers: "1" }, "numberOfWorkers", "outside 2..1000"],
        ["a fractional worker count", { numberOfWorkers: "2.5" }, "numberOfWorkers", "whole number"],
        ["an unknown execution class", { executionClass: "SPOT" }, "executionClass", "SPOT"],
        ["FLEX on a worker type it cannot run", { executionClass: "FLEX", workerType: "G.4X" }, "workerType", "FLEX"],
        ["a timeout over Glue's limit", { jobTimeoutMinutes: "3000" }, "jobTimeoutMinutes", "outside"],
        [
            "a retention CloudWatch does not offer",
            { logRetentionDays: "10" },
            "logRetentionDays",
            "not a CloudWatch Logs retention",
        ],
        ["a non-boolean protectData", { protectData: "yes" }, "protectData", "true or false"],
        ["an unknown bucket encryption", { bucketEncryption: "SSE-C" }, "bucketEncryption", "SSE-C"],
        [
            "a noncurrent version expiry of 0 days",
            { noncurrentVersionExpirationDays: "0" },
            "noncurrentVersionExpirationDays",
            "outside",
        ],
        ["a batch window over 5 minutes", { batchWindowSeconds: "600" }, "batchWindowSeconds", "outside"],
        [
            "an output prefix inside the raw prefix",
            { outputPrefix: "csv_data/parquet/" },
            "outputPrefix",
            "overlaps rawPrefix",
        ],
        [
            "a raw prefix inside the output prefix",
            { rawPrefix: "parquet_data/csv/" },
            "rawPrefix",
            "overlaps outputPrefix",
        ],
        [
            "a raw prefix that shares the output prefix's stem",
            { rawPrefix: "parquet_data_raw/" },
            "rawPrefix",
            "overlaps outputPrefix",
        ],
        ["the Glue prefix equal to the output prefix", { gluePrefix: "parquet_data/" }, "gluePrefix", "overlaps"],
        ["a prefix without a trailing slash", { rawPrefix: "csv_data" }, "rawPrefix", "must be a folder"],
        ["a prefix with a leading slash", { outputPrefix: "/parquet/" }, "outputPrefix", "must be a folder"],
    ];
    for (const [what, change, key, fragment] of invalid) {
        it(`rejects ${what}, naming ${key}`, () => {
            const error = errorOf({ ...REQUIRED, ...change });
            expect(error.key).to.equal(key);
            expect(error.message).to.contain(`"${key}"`).and.contain(fragment);
        });
    }

    it("is documented in the README, every key with its default", () => {
        const readme = fs.readFileSync(path.join(__dirname, "..", "README.md"), "utf8");
        for (const key of CONFIG_KEYS) {
            const row = readme.split("\n").find((line) => line.startsWith(`| \`${key}\` |`));
            expect(row, key).to.be.a("string");
            const value = (CONFIG_DEFAULTS as Record<string, unknown>)[key];
            if (value !== undefined && value !== "") expect(row, key).to.contain(`${value}`);
        }
    });

    it("is declared in Pulumi.yaml with the same keys and defaults", () => {
        const project = yaml.load(fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8")) as ProjectFile;
        expect(Object.keys(project.config).sort()).to.deep.equal([...CONFIG_KEYS].sort());
        for (const [key, value] of Object.entries(CONFIG_DEFAULTS)) {
            const declared = project.config[key];
            expect(declared.default, key).to.equal(value);
            expect(declared.type, key).to.equal(typeof value === "number" ? "integer" : typeof value);
            expect(declared.description, key).to.be.a("string").with.length.above(0);
        }
        for (const key of ["notificationEmail", "crawlerName", "jobName", "databaseName", "curatedDatabaseName"]) {
            expect(project.config[key].default, key).to.equal(undefined);
        }
    });

    for (const stack of ["dev", "prod"]) {
        it(`Pulumi.${stack}.yaml gives each key a value of its declared type (the CLI checks them)`, () => {
            const project = yaml.load(
                fs.readFileSync(path.join(__dirname, "..", "Pulumi.yaml"), "utf8"),
            ) as ProjectFile;
            const file = yaml.load(fs.readFileSync(path.join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8")) as {
                config: Record<string, unknown>;
            };
            const jsType = { string: "string", integer: "number", boolean: "boolean" } as Record<string, string>;
            for (const [key, value] of Object.entries(file.config)) {
                if (!key.startsWith(`${project.name}:`)) continue;
                const declared = project.config[key.slice(project.name.length + 1)];
                expect(declared, key).to.not.equal(undefined);
                expect(typeof value, key).to.equal(jsType[declared.type]);
            }
        });
    }
});
