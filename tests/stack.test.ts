import { expect } from "chai";
import * as zlib from "zlib";
import * as pulumi from "@pulumi/pulumi";
import { PROJECT, registered, Resources, startRecording, valueOf } from "../testkit/harness";
import { buildStack, stackFile } from "../testkit/stackFiles";

function report(
    stack: string,
    resources: Resources,
    archives: Record<string, { bytes: number; deflated: number }>,
): void {
    const custom = resources.all.filter((r) => r.type.startsWith("aws:"));
    console.log(
        `      ${stack}: ${custom.length} AWS resources (${resources.all.length - custom.length} components); ` +
            Object.entries(archives)
                .map(([n, a]) => `${n} __index.js ${a.bytes} B (${a.deflated} B deflated)`)
                .join(", "),
    );
}

async function archives(resources: Resources): Promise<Record<string, { bytes: number; deflated: number }>> {
    const sizes: Record<string, { bytes: number; deflated: number }> = {};
    for (const fn of resources.ofType("aws:lambda/function:Function")) {
        const assets = await fn.inputs.code.assets;
        expect(Object.keys(assets), fn.name).to.deep.equal(["__index.js"]);
        const text: string = await assets["__index.js"].text;
        sizes[fn.name] = { bytes: Buffer.byteLength(text), deflated: zlib.deflateRawSync(text, { level: 9 }).length };
    }
    return sizes;
}

describe("stacks", () => {
    /** The catalogs, ruleset, workgroup and job arguments each stack deploys. */
    function expectEtl(
        r: Resources,
        stack: string,
        o: { cutoffBytes: number; maxRetries: number; forceDestroy: boolean },
    ) {
        const bucket = r.one("aws:s3/bucket:Bucket", "csv-to-parquet-data").state.bucket;
        const databases = r
            .ofType("aws:glue/catalogDatabase:CatalogDatabase")
            .map((d) => d.inputs.name)
            .sort();
        expect(databases).to.deep.equal([`csv_to_parquet_${stack}_curated`, `csv_to_parquet_${stack}_raw`]);
        const ruleset = r.one("aws:glue/dataQualityRuleset:DataQualityRuleset", "csv-to-parquet-ruleset");
        expect(ruleset.inputs.ruleset).to.equal("Rules = [ RowCount > 0 ]");
        const workgroup = r.one("aws:athena/workgroup:Workgroup", "csv-to-parquet-athena").inputs;
        expect(workgroup.forceDestroy).to.equal(o.forceDestroy);
        expect(workgroup.configuration).to.deep.include({
            enforceWorkgroupConfiguration: true,
            bytesScannedCutoffPerQuery: o.cutoffBytes,
        });
        const key = r.one("aws:kms/key:Key", "csv-to-parquet-key").state.arn;
        expect(workgroup.configuration.resultConfiguration).to.deep.equal({
            outputLocation: `s3://${bucket}/athena_results/`,
            encryptionConfiguration: { encryptionOption: "SSE_KMS", kmsKeyArn: key },
        });
        const job = r.one("aws:glue/job:Job", "csv-to-parquet-job").inputs;
        expect(job.maxRetries).to.equal(o.maxRetries);
        expect(job.defaultArguments).to.deep.include({
            "--bucket": bucket,
            "--curated_database_name": `csv_to_parquet_${stack}_curated`,
            "--quarantine_prefix": "quarantine/",
            "--ruleset_name": ruleset.state.name,
            "--key_columns": "[]",
            "--max_quarantined_percent": "10",
            "--partition_columns": "{}",
            "--enable-auto-scaling": "true",
        });
    }

    it("dev: Flex job runs, 7-day logs, a disposable bucket", async () => {
        const r = await buildStack("dev");
        const job = r.one("aws:glue/job:Job", "csv-to-parquet-job").inputs;
        expect(job).to.deep.include({ name: "csv-to-parquet-dev-job", executionClass: "FLEX", timeout: 30 });
        expect(r.one("aws:glue/crawler:Crawler", "csv-to-parquet-crawler").inputs.name).to.equal(
            "csv-to-parquet-dev-crawler",
        );
        expect(r.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.retentionInDays)).to.deep.equal([
            7, 7, 7, 7, 7,
        ]);
        expect(r.one("aws:s3/bucket:Bucket", "csv-to-parquet-data").inputs.forceDestroy).to.equal(true);
        expect(r.ofType("aws:s3/bucketVersioning:BucketVersioning")).to.have.length(0);
        const emails = r
            .ofType("aws:sns/topicSubscription:TopicSubscription")
            .filter((s) => s.inputs.protocol === "email");
        expect(emails.map((s) => s.inputs.endpoint)).to.deep.equal(["data-team@example.com"]);
        expectEtl(r, "dev", { cutoffBytes: 1024 * 1_048_576, maxRetries: 0, forceDestroy: true });
        report("dev", r, await archives(r));
    });

    it("prod: standard runs, a year of logs, a versioned bucket Pulumi will not delete", async () => {
        const r = await buildStack("prod");
        expect(r.one("aws:glue/job:Job", "csv-to-parquet-job").inputs).to.deep.include({
            name: "csv-to-parquet-prod-job",
            executionClass: "STANDARD",
            timeout: 120,
        });
        expect(r.ofType("aws:cloudwatch/logGroup:LogGroup").map((g) => g.inputs.retentionInDays)).to.deep.equal([
            365, 365, 365, 365, 365,
        ]);
        expect(r.one("aws:s3/bucket:Bucket", "csv-to-parquet-data").inputs.forceDestroy).to.equal(false);
        expect(r.options("aws:s3/bucket:Bucket", "csv-to-parquet-data")).to.include({
            protect: true,
            retainOnDelete: true,
        });
        expect(r.ofType("aws:s3/bucketVersioning:BucketVersioning")).to.have.length(1);
        // A crawl-completed message waits out a whole 120-minute run: ceil(7200 / 180) + 3 receives.
        expect(
            JSON.parse(r.one("aws:sqs/queue:Queue", "csv-to-parquet-start-job-queue").inputs.redrivePolicy)
                .maxReceiveCount,
        ).to.equal(43);
        expectEtl(r, "prod", { cutoffBytes: 10240 * 1_048_576, maxRetries: 1, forceDestroy: false });
        report("prod", r, await archives(r));
    });

    it("differ only where an operator wants them to", () => {
        const dev = stackFile("dev");
        const prod = stackFile("prod");
        const differing = Object.keys({ ...dev, ...prod })
            .filter((k) => dev[k] !== prod[k])
            .sort();
        expect(differing).to.deep.equal([
            "csv-to-parquet:athenaBytesScannedCutoffMb",
            "csv-to-parquet:crawlerName",
            "csv-to-parquet:curatedDatabaseName",
            "csv-to-parquet:databaseName",
            "csv-to-parquet:executionClass",
            "csv-to-parquet:jobMaxRetries",
            "csv-to-parquet:jobName",
            "csv-to-parquet:jobTimeoutMinutes",
            "csv-to-parquet:logRetentionDays",
            "csv-to-parquet:protectData",
        ]);
    });

    it("index.ts reads the stack config and exports the locations and names", async () => {
        pulumi.runtime.setAllConfig({
            ...stackFile("dev"),
            [`${PROJECT}:notificationEmail`]: "a@example.com,b@example.com",
        });
        startRecording();
        const program = require("../index") as Record<string, pulumi.Output<string>>;
        const bucket = await valueOf(program.bucketName);
        expect(bucket).to.be.a("string").with.length.above(0);
        expect(await valueOf(program.uploadLocation)).to.equal(`s3://${bucket}/csv_data/`);
        expect(await valueOf(program.outputLocation)).to.equal(`s3://${bucket}/parquet_data/`);
        expect(await valueOf(program.crawlerName)).to.equal("csv-to-parquet-dev-crawler");
        expect(await valueOf(program.jobName)).to.equal("csv-to-parquet-dev-job");
        expect(await valueOf(program.topicArn)).to.match(/^arn:aws:sns:/);
        expect(await valueOf(program.dataKeyArn)).to.match(/^arn:aws:kms:.*:key\/csv-to-parquet-key/);
        expect(await valueOf(program.uploadDeadLetterQueueArn)).to.match(/^arn:aws:sqs:.*start-crawler-dlq/);
        expect(await valueOf(program.crawlCompletedDeadLetterQueueArn)).to.match(/^arn:aws:sqs:.*start-job-dlq/);
        expect(await valueOf(program.uploadsTableName)).to.match(/^csv-to-parquet-uploads/);
        for (const fn of ["csv-to-parquet-start-crawler", "csv-to-parquet-start-job"]) {
            await registered("aws:lambda/eventSourceMapping:EventSourceMapping", `${fn}-esm`);
        }
    });
});
