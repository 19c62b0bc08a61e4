import * as fs from "fs";
import { expect } from "chai";
import { build, Inputs, Resources, T, TOPIC, valueOf } from "../testkit/harness";
import { coreModules, ETL_SCRIPT_PATH, jobPythonModules } from "../packages/csv-to-parquet/src/components/etlAssets";
import { CsvToParquetPipeline, CsvToParquetPipelineArgs, WorkerType } from "../packages/csv-to-parquet/src";
import { buildPipeline } from "../testkit/pipeline";

describe("CsvToParquetPipeline", () => {
    let r: Resources;
    let p: CsvToParquetPipeline;
    const physical = (type: string, suffix: string) => r.one(type, suffix).state;

    before(async () => {
        const built = await buildPipeline("lake");
        r = built.resources;
        p = built.value;
    });

    describe("data bucket", () => {
        it("blocks public access, encrypts, and denies requests without TLS", () => {
            expect(r.one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "lake-data").inputs).to.include({
                blockPublicAcls: true,
                blockPublicPolicy: true,
                ignorePublicAcls: true,
                restrictPublicBuckets: true,
            });
            const sse = r.one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "lake-data",
            ).inputs;
            expect(sse.rules[0]).to.deep.include({
                applyServerSideEncryptionByDefault: {
                    sseAlgorithm: "aws:kms",
                    kmsMasterKeyId: physical("aws:kms/key:Key", "lake-key").arn,
                },
                bucketKeyEnabled: true,
            });
            const bucketArn = physical(T.bucket, "lake-data").arn;
            const [deny] = r.json("aws:s3/bucketPolicy:BucketPolicy", "lake-data").Statement;
            expect(deny).to.deep.equal({
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [bucketArn, `${bucketArn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
            });
        });

        it("is disposable unless the data is protected", async () => {
            expect(r.one(T.bucket, "lake-data").inputs.forceDestroy).to.equal(true);
            expect(r.ofType("aws:s3/bucketVersioning:BucketVersioning")).to.have.length(0);
            expect(r.options(T.bucket, "lake-data").protect).to.equal(false);
            const prod = (await buildPipeline("safe", { protectData: true })).resources;
            expect(prod.one(T.bucket, "safe-data").inputs.forceDestroy).to.equal(false);
            expect(
                prod.one("aws:s3/bucketVersioning:BucketVersioning", "safe-data").inputs.versioningConfiguration,
            ).to.deep.equal({ status: "Enabled" });
            expect(prod.options(T.bucket, "safe-data")).to.include({ protect: true, retainOnDelete: true });
        });

        it("expires Glue's temp files and Athena results only, never the uploads, Parquet or quarantine", () => {
            const rules: Inputs[] = r.one(
                "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
                "lake-data",
            ).inputs.rules;
            const expiring = rules.filter((rule) => rule.expiration);
            expect(expiring.map((rule) => [rule.filter.prefix, rule.expiration.days])).to.deep.equal([
                ["glue/temp/", 7],
                ["athena_results/", 30],
            ]);
        });

        it("uploads the job's entry script and a zip of the conversion core under the Glue prefix", () => {
            const script = r.one("aws:s3/bucketObjectv2:BucketObjectv2", "lake-etl-script").inputs;
            const core = r.one("aws:s3/bucketObjectv2:BucketObjectv2", "lake-etl-core").inputs;
            expect(script.key).to.equal("glue/scripts/glue_job.py");
            expect(core.key).to.equal("glue/scripts/lake.zip");
            expect(script.sourceHash)
                .to.match(/^[0-9a-f]{64}$/)
                .and.equal(core.sourceHash);
            expect(coreModules()).to.include.members([
                "lake/__init__.py",
                "lake/convert.py",
                "lake/aws.py",
                "lake/tables.py",
            ]);
            expect(coreModules().every((m) => /^lake\/[a-z_]+\.py$/.test(m))).to.equal(true);
        });
    });

    describe("Glue", () => {
        it("crawls the raw prefix into one table per dataset, never dropping tables, from its S3 events (one target)", () => {
            const crawler = r.one(T.crawler, "lake-crawler").inputs;
            expect(crawler.name).to.equal("lake-crawler");
            expect(crawler.s3Targets).to.deep.equal([
                {
                    path: `s3://${physical(T.bucket, "lake-data").bucket}/csv_data/`,
                    eventQueueArn: physical(T.queue, "lake-crawler-events-queue").arn,
                    dlqEventQueueArn: physical(T.queue, "lake-crawler-events-dlq").arn,
                },
            ]);
            expect(crawler.recrawlPolicy).to.deep.equal({ recrawlBehavior: "CRAWL_EVENT_MODE" });
            expect(crawler.schemaChangePolicy).to.deep.equal({
                updateBehavior: "UPDATE_IN_DATABASE",
                deleteBehavior: "LOG",
            });
            expect(crawler.role).to.equal(physical(T.role, "lake-crawler-role").arn);
            expect(crawler.databaseName).to.equal("lake_raw");
            const configuration = JSON.parse(crawler.configuration);
            expect(configuration.Grouping).to.deep.equal({
                TableGroupingPolicy: "CombineCompatibleSchemas",
                TableLevelConfiguration: 3,
            });
            expect(crawler.classifiers).to.deep.equal([physical("aws:glue/classifier:Classifier", "lake-csv").name]);
            expect(r.one("aws:glue/classifier:Classifier", "lake-csv").inputs.csvClassifier).to.deep.include({
                containsHeader: "PRESENT",
                delimiter: ",",
            });
        });

        it("runs the job as glueetl 5.0, G.1X x 2, one run at a time, without bookmarks, the core beside it", () => {
            const job = r.one(T.job, "lake-job").inputs;
            const bucket = physical(T.bucket, "lake-data").bucket;
            expect(job).to.deep.include({
                name: "lake-job",
                glueVersion: "5.0",
                workerType: "G.1X",
                numberOfWorkers: 2,
                executionClass: "STANDARD",
                timeout: 60,
                maxRetries: 0,
                executionProperty: { maxConcurrentRuns: 1 },
            });
            expect(job.command).to.deep.equal({
                name: "glueetl",
                pythonVersion: "3",
                scriptLocation: `s3://${bucket}/glue/scripts/glue_job.py`,
            });
            expect(job.defaultArguments).to.deep.include({
                "--job-bookmark-option": "job-bookmark-disable",
                "--extra-py-files": `s3://${bucket}/glue/scripts/lake.zip`,
                "--additional-python-modules": "anyascii==0.3.3",
                "--TempDir": `s3://${bucket}/glue/temp/`,
                "--bucket": bucket,
                "--raw_prefix": "csv_data/",
                "--output_prefix": "parquet_data/",
                "--datalake-formats": "iceberg",
                "--uploads_table": physical("aws:dynamodb/table:Table", "lake-uploads").name,
                "--claim_timeout_minutes": "60",
                "--snapshot_retention_days": "7",
                "--null_values": "[]",
            });
            expect(job.defaultArguments).to.not.have.property("--legacy_state_prefix");
            expect(job.defaultArguments).to.not.have.property("--enable-glue-datacatalog");
        });

        it("installs the core's pinned packages in the job, the same pins local runs install", () => {
            const local = fs.readFileSync("etl/requirements.txt", "utf8");
            expect(local.split("\n")).to.include("-r job-requirements.txt");
            expect(jobPythonModules()).to.deep.equal(["anyascii==0.3.3"]);
            expect(jobPythonModules("# a comment\nx==1.2  # why\n\n")).to.deep.equal(["x==1.2"]);
            expect(() => jobPythonModules("anyascii>=0.3\n")).to.throw(/line 1: "anyascii>=0.3" is not pinned/);
        });

        it("passes exactly the arguments the entry script asks awsglue for, and none Glue reserves", () => {
            const script = fs.readFileSync(ETL_SCRIPT_PATH, "utf8");
            const asked = [...(/^ARGS = \[([^\]]*)\]/m.exec(script) as RegExpExecArray)[1].matchAll(/"([^"]+)"/g)].map(
                (m) => m[1],
            );
            expect(asked[0]).to.equal("JOB_NAME"); // Glue passes it; JOB_RUN_ID is Glue's own and never asked for
            expect(asked).to.not.include.members(["JOB_RUN_ID", "JOB_ID", "SECURITY_CONFIGURATION", "TempDir"]);
            const args = Object.keys(r.one(T.job, "lake-job").inputs.defaultArguments).map((k) => k.replace(/^--/, ""));
            expect(args).to.include.members(asked.slice(1));
        });
    });

    it("exposes the important children and locations", async () => {
        const bucket = physical(T.bucket, "lake-data").bucket;
        expect(await valueOf(p.uploadLocation)).to.equal(`s3://${bucket}/csv_data/`);
        expect(await valueOf(p.outputLocation)).to.equal(`s3://${bucket}/parquet_data/`);
        expect(await valueOf(p.crawlerName)).to.equal("lake-crawler");
        expect(await valueOf(p.jobName)).to.equal("lake-job");
        expect(await valueOf(p.topicArn)).to.equal(TOPIC);
    });

    it("lets two pipelines share a stack without a name collision", async () => {
        const { resources } = await build((opts) => [
            new CsvToParquetPipeline("alpha", { notificationTopicArn: TOPIC }, opts),
            new CsvToParquetPipeline("beta", { notificationTopicArn: TOPIC }, opts),
        ]);
        const keys = resources.all.map((x) => `${x.type}::${x.name}`);
        expect(new Set(keys).size).to.equal(keys.length);
        for (const [type, count] of [
            [T.crawler, 2],
            [T.job, 2],
            ["aws:glue/catalogDatabase:CatalogDatabase", 4],
        ] as const) {
            const names = resources.ofType(type).map((x) => x.state.name);
            expect(names, type).to.have.length(count);
            expect(new Set(names).size, type).to.equal(count);
        }
    });

    describe("bad arguments", () => {
        const cases: [string, Partial<CsvToParquetPipelineArgs>, string][] = [
            ["fewer than 2 workers", { numberOfWorkers: 1 }, "numberOfWorkers"],
            // What a program in another language, or in JavaScript, may pass: the types do not stop it there.
            ["an unknown worker type", { workerType: "G.9X" as WorkerType }, "workerType"],
            ["FLEX on G.8X", { executionClass: "FLEX", workerType: "G.8X" }, "workerType"],
            ["overlapping prefixes", { outputPrefix: "csv_data/out/" }, "outputPrefix"],
            ["a retry interval below six function timeouts", { retryIntervalSeconds: 60 }, "retryIntervalSeconds"],
            ["rules that are not DQDL", { dataQuality: { rules: "RowCount > 0" } }, "dataQuality.rules"],
            [
                "a quarantine share over 100%",
                { dataQuality: { maxQuarantinedPercent: 101 } },
                "dataQuality.maxQuarantinedPercent",
            ],
            ["11 job retries", { jobMaxRetries: 11 }, "jobMaxRetries"],
            ["an Athena limit of 1 MiB", { athenaBytesScannedCutoffMb: 1 }, "athenaBytesScannedCutoffMb"],
            ["a quarantine prefix inside the raw prefix", { quarantinePrefix: "csv_data/q/" }, "quarantinePrefix"],
        ];
        for (const [what, args, field] of cases) {
            it(`throws a ResourceError naming ${field} for ${what}`, () => {
                const name = `bad-${field.toLowerCase().replace(/[^a-z0-9]/g, "-")}`;
                expect(() => new CsvToParquetPipeline(name, { notificationTopicArn: TOPIC, ...args })).to.throw(
                    new RegExp(`CsvToParquetPipeline ${name}: ${field.replace(".", "\\.")} `),
                );
            });
        }
        it("throws for a name S3 cannot use", () => {
            expect(() => new CsvToParquetPipeline("Upper_Case", { notificationTopicArn: TOPIC })).to.throw(
                /: name "Upper_Case"/,
            );
        });
    });
});
