import { expect } from "chai";
import { ACCOUNT, list, REGION, Resources, Statement, TOPIC, valueOf } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";
import { CsvToParquetPipeline } from "../packages/csv-to-parquet/src";

describe("ETL resources: curated catalog, data quality, Athena", () => {
    let r: Resources;
    let p: CsvToParquetPipeline;
    let bucket: string;
    const sid = (id: string) =>
        (r.json("aws:iam/rolePolicy:RolePolicy", "etl-glue").Statement as Statement[]).find(
            (s) => s.Sid === id,
        ) as Statement;

    before(async () => {
        const built = await buildPipeline("etl", {
            dataQuality: {
                rules: "Rules = [ RowCount > 10, ColumnCount = 4 ]",
                keyColumns: ["Order ID"],
                maxQuarantinedPercent: 0,
            },
            partitionColumns: { sales: "order_date" },
            autoScaling: false,
            jobMaxRetries: 2,
            athenaBytesScannedCutoffMb: 100,
            numberOfWorkers: 10,
        });
        r = built.resources;
        p = built.value;
        bucket = r.one("aws:s3/bucket:Bucket", "etl-data").state.bucket;
    });

    it("keeps a curated database beside the raw one, named after the component by default", async () => {
        expect(r.one("aws:glue/catalogDatabase:CatalogDatabase", "etl-curated").inputs.name).to.equal("etl_curated");
        expect(await valueOf(p.curatedDatabaseName)).to.equal("etl_curated");
    });

    it("deploys the configured DQDL as the pipeline's ruleset and hands the job its name and key columns", () => {
        const ruleset = r.one("aws:glue/dataQualityRuleset:DataQualityRuleset", "etl-ruleset");
        expect(ruleset.inputs.ruleset).to.equal("Rules = [ RowCount > 10, ColumnCount = 4 ]");
        const args = r.one("aws:glue/job:Job", "etl-job").inputs.defaultArguments;
        expect(args).to.deep.include({
            "--ruleset_name": ruleset.state.name,
            "--key_columns": JSON.stringify(["Order ID"]),
            "--max_quarantined_percent": "0",
            "--partition_columns": JSON.stringify({ sales: "order_date" }),
            "--quarantine_prefix": "quarantine/",
            "--curated_database_name": "etl_curated",
            "--topic_arn": TOPIC,
        });
        expect(args).to.not.have.property("--enable-auto-scaling");
    });

    it("sizes the job from the arguments: worker ceiling and retries", () => {
        expect(r.one("aws:glue/job:Job", "etl-job").inputs).to.deep.include({ numberOfWorkers: 10, maxRetries: 2 });
    });

    it("lets Glue read only its ruleset, publish results, report to the topic and write quarantine", () => {
        const ruleset = r.one("aws:glue/dataQualityRuleset:DataQualityRuleset", "etl-ruleset").state.name;
        expect(sid("ReadRuleset")).to.deep.include({
            Action: "glue:GetDataQualityRuleset",
            Resource: `arn:aws:glue:${REGION}:${ACCOUNT}:dataQualityRuleset/${ruleset}`,
        });
        expect(sid("PublishDataQualityResults").Resource).to.equal(
            `arn:aws:glue:${REGION}:${ACCOUNT}:dataQualityRuleset/*`,
        );
        expect(sid("ReportToOwners")).to.deep.include({ Action: "sns:Publish", Resource: TOPIC });
        const writable = list(sid("WriteTheTablesAndTemp").Resource);
        expect(writable).to.include.members([
            `arn:aws:s3:::${bucket}/quarantine*`,
            `arn:aws:s3:::${bucket}/glue/temp*`,
        ]);
        expect(writable.some((arn) => arn.includes("csv_data"))).to.equal(false);
    });

    it("gives analysts an Athena workgroup with enforced, encrypted results in the bucket and a scan limit", async () => {
        const workgroup = r.one("aws:athena/workgroup:Workgroup", "etl-athena").inputs;
        expect(workgroup.configuration).to.deep.include({
            enforceWorkgroupConfiguration: true,
            publishCloudwatchMetricsEnabled: true,
            bytesScannedCutoffPerQuery: 100 * 1_048_576,
        });
        expect(workgroup.configuration.engineVersion).to.deep.equal({
            selectedEngineVersion: "Athena engine version 3",
        });
        expect(workgroup.configuration.resultConfiguration).to.deep.equal({
            outputLocation: `s3://${bucket}/athena_results/`,
            encryptionConfiguration: {
                encryptionOption: "SSE_KMS",
                kmsKeyArn: r.one("aws:kms/key:Key", "etl-key").state.arn,
            },
        });
        expect(await valueOf(p.athenaWorkgroupName))
            .to.be.a("string")
            .with.length.above(0);
        expect(await valueOf(p.quarantineLocation)).to.equal(`s3://${bucket}/quarantine/`);
    });
});
