/* The component's roles, read as the statements it writes: what each may do, and that nothing else is granted. The
   same documents are decided by an IAM policy simulator in security.test.ts. */
import { expect } from "chai";
import { ACCOUNT, list, REGION, Resources, Statement, T } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";

const statements = (r: Resources, name: string): Statement[] => r.json(T.rolePolicy, name).Statement;
const allowed = (stmts: Statement[], action: string) =>
    stmts.filter((s) => s.Effect === "Allow" && list(s.Action).includes(action)).flatMap((s) => list(s.Resource));

describe("CsvToParquetPipeline IAM", () => {
    let r: Resources;
    const physical = (type: string, suffix: string) => r.one(type, suffix).state;

    before(async () => {
        r = (await buildPipeline("lake")).resources;
    });

    it("start-crawler may start this crawler, record uploads, read its queue and write its logs, nothing else", () => {
        const s = statements(r, "lake-start-crawler-role");
        expect(allowed(s, "glue:StartCrawler")).to.deep.equal([physical(T.crawler, "lake-crawler").arn]);
        expect(allowed(s, "glue:GetCrawler")).to.deep.equal([physical(T.crawler, "lake-crawler").arn]);
        expect(allowed(s, "sqs:ReceiveMessage")).to.deep.equal([physical(T.queue, "lake-start-crawler-queue").arn]);
        expect(allowed(s, "logs:PutLogEvents")).to.deep.equal([
            `${physical("aws:cloudwatch/logGroup:LogGroup", "lake-start-crawler-logs").arn}:*`,
        ]);
        const table = physical("aws:dynamodb/table:Table", "lake-uploads").arn;
        expect(allowed(s, "dynamodb:UpdateItem")).to.deep.equal([table]);
        expect(allowed(s, "kms:Decrypt")).to.deep.equal([physical("aws:kms/key:Key", "lake-key").arn]);
        expect(s.find((x) => x.Sid === "UseThePipelineKeyThroughDynamoDb")?.Condition).to.deep.equal({
            StringEquals: { "kms:ViaService": `dynamodb.${REGION}.amazonaws.com` },
        });
        expect(s.flatMap((x) => list(x.Action)).sort()).to.deep.equal([
            "dynamodb:UpdateItem",
            "glue:GetCrawler",
            "glue:StartCrawler",
            "kms:Decrypt",
            "kms:DescribeKey",
            "kms:Encrypt",
            "kms:GenerateDataKey",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "sqs:DeleteMessage",
            "sqs:GetQueueAttributes",
            "sqs:ReceiveMessage",
        ]);
    });

    it("start-job may start this job and read its queue, nothing else", () => {
        const s = statements(r, "lake-start-job-role");
        expect(allowed(s, "glue:StartJobRun")).to.deep.equal([physical(T.job, "lake-job").arn]);
        expect(allowed(s, "sqs:DeleteMessage")).to.deep.equal([physical(T.queue, "lake-start-job-queue").arn]);
        expect(s.flatMap((x) => list(x.Action))).to.not.include("glue:StartCrawler");
    });

    it("the job reads CSV and scripts, writes only Parquet, quarantine and temp files, claims uploads, keeps only the curated catalog", () => {
        const s = statements(r, "lake-glue");
        const bucketArn = physical(T.bucket, "lake-data").arn;
        expect(allowed(s, "s3:GetObject")).to.include.members([
            `${bucketArn}/csv_data*`,
            `${bucketArn}/glue/scripts/*`,
        ]);
        expect(allowed(s, "s3:PutObject")).to.deep.equal([
            `${bucketArn}/parquet_data*`,
            `${bucketArn}/quarantine*`,
            `${bucketArn}/glue/temp*`,
        ]);
        const table = physical("aws:dynamodb/table:Table", "lake-uploads").arn;
        expect(allowed(s, "dynamodb:UpdateItem")).to.deep.equal([table]);
        expect(allowed(s, "dynamodb:Query")).to.deep.equal([`${table}/index/todo`]);
        expect(
            s
                .flatMap((x) => list(x.Action))
                .filter((a) => a.startsWith("dynamodb:"))
                .sort(),
        ).to.deep.equal(["dynamodb:Query", "dynamodb:UpdateItem"]);
        expect(allowed(s, "glue:GetJobRun")).to.deep.equal([physical(T.job, "lake-job").arn]);
        // Iceberg's S3FileIO deletes only what it wrote: the tables' files and temp files
        expect(allowed(s, "s3:DeleteObject")).to.deep.equal(allowed(s, "s3:PutObject"));
        const db = physical("aws:glue/catalogDatabase:CatalogDatabase", "lake-raw");
        const curated = physical("aws:glue/catalogDatabase:CatalogDatabase", "lake-curated");
        expect(allowed(s, "glue:CreateTable")).to.deep.equal([
            `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
            curated.arn,
            `arn:aws:glue:${REGION}:${ACCOUNT}:table/${curated.name}/*`,
        ]);
        expect(s.flatMap((x) => list(x.Action)).some((a) => a.startsWith("sqs:"))).to.equal(false);
        expect(allowed(s, "glue:CreateTable")).to.not.include(db.arn);
        expect(r.json(T.role, "lake-glue", "assumeRolePolicy").Statement[0].Principal).to.deep.equal({
            Service: "glue.amazonaws.com",
        });
    });

    it("the crawler reads the uploads, keeps only the raw catalog and consumes only its own event queues", () => {
        const s = statements(r, "lake-crawler-role");
        const bucketArn = physical(T.bucket, "lake-data").arn;
        expect(allowed(s, "s3:GetObject")).to.deep.equal([`${bucketArn}/csv_data*`]);
        expect(
            s.flatMap((x) => list(x.Action)).filter((a) => /^(s3:Put|s3:Delete|dynamodb:|sns:)/.test(a)),
        ).to.deep.equal([]);
        const db = physical("aws:glue/catalogDatabase:CatalogDatabase", "lake-raw");
        expect(allowed(s, "glue:CreateTable")).to.deep.equal([
            `arn:aws:glue:${REGION}:${ACCOUNT}:catalog`,
            db.arn,
            `arn:aws:glue:${REGION}:${ACCOUNT}:table/${db.name}/*`,
        ]);
        const queues = [
            physical(T.queue, "lake-crawler-events-queue").arn,
            physical(T.queue, "lake-crawler-events-dlq").arn,
        ];
        for (const action of [
            "sqs:ReceiveMessage",
            "sqs:DeleteMessage",
            "sqs:GetQueueUrl",
            "sqs:GetQueueAttributes",
            "sqs:SetQueueAttributes",
            "sqs:ListDeadLetterSourceQueues",
            "sqs:ListQueueTags",
            "sqs:PurgeQueue",
        ]) {
            expect(allowed(s, action), action).to.deep.equal(queues);
        }
        expect(r.json(T.role, "lake-crawler-role", "assumeRolePolicy").Statement[0].Principal).to.deep.equal({
            Service: "glue.amazonaws.com",
        });
    });

    it("has no wildcard action, and a * resource only for an action without resource-level permissions", () => {
        for (const name of ["lake-glue", "lake-crawler-role", "lake-start-crawler-role", "lake-start-job-role"]) {
            for (const s of statements(r, name)) {
                for (const action of list(s.Action)) {
                    expect(action, name).to.match(/^[a-z0-9]+:[A-Za-z]+$/);
                }
                if (list(s.Resource).includes("*")) {
                    expect(s.Action, name).to.equal("cloudwatch:PutMetricData");
                    expect(s.Condition).to.deep.equal({
                        StringEquals: { "cloudwatch:namespace": ["Glue", "Glue Data Quality", "CsvToParquet"] },
                    });
                }
            }
        }
    });
});
