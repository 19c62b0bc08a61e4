/*
 * What a first `pulumi up` would trip on, read against the provider's validators and AWS's documentation: each
 * test here fails without its fix.
 */
import { expect } from "chai";
import { buildPipeline } from "../testkit/pipeline";
import { buildStack, projectValues, stackFile } from "../testkit/stackFiles";
import { ATHENA_MIN_CUTOFF_BYTES } from "../packages/csv-to-parquet/src/components/athena";
import { dashboardName } from "../packages/csv-to-parquet/src/components/dashboard";
import { glueLogGroupNames } from "../packages/csv-to-parquet/src/components/glueLogs";
import { parseConfig } from "../config";

describe("deploy readiness", () => {
    it("turns the smallest Athena scan limit config accepts into one the provider accepts (MiB, not MB)", async () => {
        const dev = (mib: string) =>
            parseConfig({
                ...projectValues(stackFile("dev")),
                notificationEmail: "data@example.com",
                athenaBytesScannedCutoffMb: mib,
            });
        const smallest = dev("10");
        expect(() => dev("9")).to.throw(/athenaBytesScannedCutoffMb/);
        const { resources } = await buildPipeline("mib", {
            athenaBytesScannedCutoffMb: smallest.athenaBytesScannedCutoffMb,
        });
        const cutoff = resources.one("aws:athena/workgroup:Workgroup", "mib-athena").inputs.configuration
            .bytesScannedCutoffPerQuery;
        expect(cutoff)
            .to.equal(10 * 1_048_576)
            .and.be.at.least(ATHENA_MIN_CUTOFF_BYTES);
    });

    it("names each stack's dashboard after its job, so dev and prod in one account do not overwrite each other", async () => {
        const names: string[] = [];
        for (const stack of ["dev", "prod"]) {
            const r = await buildStack(stack);
            const job = r.one("aws:glue/job:Job", "csv-to-parquet-job").inputs.name;
            const dashboard = r.one("aws:cloudwatch/dashboard:Dashboard", "csv-to-parquet-dashboard").inputs
                .dashboardName;
            expect(dashboard).to.equal(`${job}-dashboard`);
            names.push(dashboard);
        }
        expect(names[0]).to.not.equal(names[1]);
        expect(dashboardName("lake-job")).to.equal("lake-job-dashboard");
        expect(dashboardName("a.b"))
            .to.match(/^a-b-[0-9a-f]{8}-dashboard$/)
            .and.not.equal(dashboardName("a-b"));
        expect(dashboardName("x".repeat(246)))
            .to.match(/^x{236}-[0-9a-f]{8}-dashboard$/)
            .and.have.length(255);
    });

    it("sends the S3 Bucket Key setting with SSE-KMS only", async () => {
        for (const [bucketEncryption, expected] of [
            ["SSE-KMS", true],
            ["SSE-S3", undefined],
        ] as const) {
            const { resources } = await buildPipeline("enc", { bucketEncryption });
            const [rule] = resources.one(
                "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
                "enc-data",
            ).inputs.rules;
            expect(rule.bucketKeyEnabled, bucketEncryption).to.equal(expected);
        }
    });

    it("names Glue's log groups as Glue 5.0 writes them under an encrypting security configuration", () => {
        expect(glueLogGroupNames("glue-role", "sec")).to.deep.equal({
            job: ["/aws-glue/jobs/sec-role/glue-role/error", "/aws-glue/jobs/sec-role/glue-role/output"],
            crawler: "/aws-glue/crawlers-role/glue-role-sec",
        });
    });

    it("creates every log group the job and the crawler write to, with retention and the pipeline key, before they run", async () => {
        const { resources: r } = await buildPipeline("logs", { logRetentionDays: 14 });
        const jobRole = r.one("aws:iam/role:Role", "logs-glue").state.name;
        const crawlerRole = r.one("aws:iam/role:Role", "logs-crawler-role").state.name;
        const config = r.one("aws:glue/securityConfiguration:SecurityConfiguration", "logs-security").inputs.name;
        const names = {
            job: glueLogGroupNames(jobRole, config).job,
            crawler: glueLogGroupNames(crawlerRole, config).crawler,
        };
        expect(r.one("aws:glue/crawler:Crawler", "logs-crawler").inputs.role).to.equal(
            r.one("aws:iam/role:Role", "logs-crawler-role").state.arn,
        );
        const key = r.one("aws:kms/key:Key", "logs-key").state.arn;
        const roles = ["job-error", "job-output", "crawler"];
        const groups = roles.map((g) => r.one("aws:cloudwatch/logGroup:LogGroup", `logs-${g}-logs`).inputs);
        expect(groups.map((g) => g.name)).to.deep.equal([...names.job, names.crawler]);
        for (const g of groups) {
            expect(g).to.deep.include({ retentionInDays: 14, kmsKeyId: key });
        }
        const jobDeps = await r.dependsOn("aws:glue/job:Job", "logs-job");
        const crawlerDeps = await r.dependsOn("aws:glue/crawler:Crawler", "logs-crawler");
        for (const g of roles) {
            const urn = `aws:cloudwatch/logGroup:LogGroup::logs-${g}-logs`;
            expect(jobDeps.some((d) => d.endsWith(urn)) && crawlerDeps.some((d) => d.endsWith(urn)), g).to.equal(true);
        }
        const args = r.one("aws:glue/job:Job", "logs-job").inputs.defaultArguments;
        expect(args).to.not.have.any.keys("--continuous-log-logGroup", "--enable-continuous-cloudwatch-log");
    });
});
