import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PIPELINE_DEFAULTS } from "../packages/csv-to-parquet/src/components/defaults";
import { QUEUE_DEFAULTS } from "../packages/csv-to-parquet/src/components/queueDefaults";
import { CsvToParquetPipelineArgs } from "../packages/csv-to-parquet/src/components/pipelineArgs";
import { PipelineArgError, resolvePipelineSettings } from "../packages/csv-to-parquet/src/components/pipelineSettings";
import { TOPIC } from "../testkit/harness";

/* The pipeline's validator on its own, without Pulumi: the component wraps its errors in a ResourceError. */
describe("pipeline settings", () => {
    it("applies every default once", () => {
        const s = resolvePipelineSettings("lake", { notificationTopicArn: TOPIC });
        expect(s).to.deep.include({
            workerType: PIPELINE_DEFAULTS.workerType,
            numberOfWorkers: PIPELINE_DEFAULTS.numberOfWorkers,
            executionClass: PIPELINE_DEFAULTS.executionClass,
            jobTimeoutMinutes: PIPELINE_DEFAULTS.jobTimeoutMinutes,
            retryIntervalSeconds: QUEUE_DEFAULTS.retryIntervalSeconds,
            crawlerMaxReceives: QUEUE_DEFAULTS.crawlerMaxReceives,
            bucketEncryption: "SSE-KMS",
            protectData: false,
            partitionColumns: {},
        });
        expect(s.prefixes).to.deep.equal({
            rawPrefix: "csv_data/",
            outputPrefix: "parquet_data/",
            gluePrefix: "glue/",
            quarantinePrefix: "quarantine/",
            athenaPrefix: "athena_results/",
        });
        expect(s.dataQuality).to.deep.equal({
            rules: PIPELINE_DEFAULTS.dataQualityRules,
            keyColumns: [],
            maxQuarantinedPercent: 10,
        });
    });

    it("applies the defaults the Args document, word for word", () => {
        const text = fs.readFileSync(
            path.join(__dirname, "..", "packages", "csv-to-parquet", "src", "components", "pipelineArgs.ts"),
            "utf8",
        );
        // "/** … Default: `csv_data/`. */" on the line above "rawPrefix?: string;"
        const documented = new Map(
            [...text.matchAll(/Default: `([^`]*)`[^\n]*\*\/\n\s*(\w+)\?:/g)].map((m) => [m[2], m[1]] as const),
        );
        const s = resolvePipelineSettings("lake", { notificationTopicArn: TOPIC });
        const { prefixes, dataQuality, ...flat } = s;
        // Every setting with a value as its default (key and partition columns default to none).
        const applied: Record<string, unknown> = { ...prefixes, ...flat, ...dataQuality };
        delete applied.partitionColumns;
        delete applied.keyColumns;
        delete applied.nullValues;
        for (const [key, value] of Object.entries(applied)) {
            expect(documented.get(key), key).to.equal(String(value));
        }
        expect(text)
            .to.match(/keyColumns\?: string\[\];/)
            .and.match(/Default: none\. \*\/\n\s*keyColumns\?/);
    });

    it("names the field of the first bad value", () => {
        const problem = (args: Partial<CsvToParquetPipelineArgs>, name = "lake") => {
            try {
                resolvePipelineSettings(name, { notificationTopicArn: TOPIC, ...args });
            } catch (err) {
                return err instanceof PipelineArgError
                    ? [err.field, err.problem]
                    : ["not a PipelineArgError", String(err)];
            }
            return undefined;
        };
        expect(problem({}, "Lake")).to.deep.equal([
            "name",
            '"Lake" must be lower-case letters, digits or "-" (it prefixes S3 bucket names)',
        ]);
        expect(problem({ executionClass: "FLEX", workerType: "G.4X" })).to.deep.equal([
            "workerType",
            "G.4X cannot run the FLEX execution class; use G.1X or G.2X",
        ]);
        expect(problem({ dataQuality: { maxQuarantinedPercent: 101 } })).to.deep.equal([
            "dataQuality.maxQuarantinedPercent",
            "101 is outside 0..100",
        ]);
        expect(problem({ retryIntervalSeconds: 179 })).to.deep.equal([
            "retryIntervalSeconds",
            "179 is outside 180..43200",
        ]);
        expect(problem({ workerType: "G.1X", numberOfWorkers: 2 })).to.equal(undefined);
    });

    it("holds the rules the stack config and the component once checked apart", () => {
        const field = (args: Partial<CsvToParquetPipelineArgs>) => {
            try {
                resolvePipelineSettings("lake", { notificationTopicArn: TOPIC, ...args });
            } catch (err) {
                return (err as PipelineArgError).field;
            }
            return undefined;
        };
        expect(field({ logRetentionDays: 10 })).to.equal("logRetentionDays");
        expect(field({ numberOfWorkers: 1001 })).to.equal("numberOfWorkers");
        expect(field({ noncurrentVersionExpirationDays: 36501 })).to.equal("noncurrentVersionExpirationDays");
        expect(field({ snapshotRetentionDays: 0 })).to.equal("snapshotRetentionDays");
        expect(field({ nullValues: ["NULL", "a\nb"] })).to.equal("nullValues[1]");
        expect(field({ nullValues: [""] })).to.equal("nullValues[0]");
        expect(field({ nullValues: ["NULL", "N/A"] })).to.equal(undefined);
        expect(field({ jobName: "j".repeat(247) })).to.equal("jobName");
        expect(field({ databaseName: "lake_raw", curatedDatabaseName: "lake_raw" })).to.equal("curatedDatabaseName");
    });
});
