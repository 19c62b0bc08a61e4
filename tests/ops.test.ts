import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { GetJobRunsCommand, GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { Inputs } from "../testkit/harness";
import { comparableSequencer, recordUpload } from "../packages/csv-to-parquet/src/functions";
import { reprocess, status, stackOutputs, UsageError } from "../ops/cli";
import { glueMock } from "./glueMock";
import { componentUploadsTable, freshUploadsTable, motoDynamoDb, motoEndpoint } from "./motoServer";

const TABLE = "uploads";
const flags = ["--table", TABLE, "--job", "lake-job"];

/** DynamoDB is moto's server (its conditions are evaluated); Glue answers through the shared SDK stub (tests/glueMock.ts). */
describe("operator commands: npm run status and npm run reprocess", function () {
    this.timeout(10 * 60_000); // moto's server may have to be installed first
    let table: Inputs;
    let dynamodb: DynamoDBClient;
    let glue: GlueClient;
    const clients = () => ({ dynamodb, glue });
    const record = (key: string, sequencer: string) =>
        recordUpload(
            { dynamodb, tableName: TABLE },
            {
                key,
                dataset: key.split("/")[1],
                sequencer: comparableSequencer(sequencer) as string,
                size: 10,
                etag: `etag-${sequencer}`,
                eventTime: "2026-11-21T10:00:00.000Z",
            },
        );
    /** What the job writes when it marks an upload done (etl/lake/uploads.py, UploadsTable.done). */
    const convert = (key: string, snapshot: string, extra: Inputs = {}) =>
        dynamodb.send(
            new UpdateItemCommand({
                TableName: TABLE,
                Key: { key: { S: key } },
                UpdateExpression:
                    "SET #status = :status, runId = :run, #snapshot = :snapshot, rowsWritten = :w, rowsQuarantined = :q REMOVE #todo",
                ExpressionAttributeNames: { "#status": "status", "#todo": "todo", "#snapshot": "snapshot" },
                ExpressionAttributeValues: {
                    ":status": { S: extra.status ?? "converted" },
                    ":run": { S: "jr_1" },
                    ":snapshot": { N: snapshot },
                    ":w": { N: "3" },
                    ":q": { N: String(extra.quarantined ?? 0) },
                },
            }),
        );
    const item = async (key: string) =>
        (await dynamodb.send(new GetItemCommand({ TableName: TABLE, Key: { key: { S: key } } }))).Item;

    before(async () => {
        table = await componentUploadsTable();
        dynamodb = await motoDynamoDb();
        glue = new GlueClient({ region: "us-east-1" });
    });
    beforeEach(async () => {
        await freshUploadsTable(dynamodb, TABLE, table);
        glueMock.reset();
        glueMock.on(GetJobRunsCommand).resolves({ JobRuns: [{ Id: "jr_0", JobRunState: "SUCCEEDED" }] });
        glueMock.on(StartJobRunCommand).resolves({ JobRunId: "jr_9" });
    });

    it("status: a converted upload with the snapshot that committed it and its row counts", async () => {
        await record("csv_data/sales/a.csv", "01");
        await convert("csv_data/sales/a.csv", "4567");
        const said = await status(["csv_data/sales/a.csv", ...flags], clients());
        expect(said)
            .to.contain("csv_data/sales/a.csv: converted (dataset sales")
            .and.contain("by job run jr_1: 3 rows written, 0 quarantined")
            .and.contain(
                "rows committed in snapshot 4567 of the curated table (column _upload_key = 'csv_data/sales/a.csv')",
            );
    });

    it("status: pending, rejected with why, quarantined with where, and a key the ledger never saw", async () => {
        await record("csv_data/sales/p.csv", "01");
        await record("csv_data/sales/r.csv", "02");
        await dynamodb.send(
            new UpdateItemCommand({
                TableName: TABLE,
                Key: { key: { S: "csv_data/sales/r.csv" } },
                UpdateExpression: "SET #s = :r, #e = :e, runId = :run, quarantine = :q",
                ExpressionAttributeNames: { "#s": "status", "#e": "error" },
                ExpressionAttributeValues: {
                    ":r": { S: "rejected" },
                    ":e": { S: "3 of 3 rows quarantined" },
                    ":run": { S: "jr_2" },
                    ":q": { S: "curated.sales__quarantine" },
                },
            }),
        );
        const said = await status(
            ["csv_data/sales/p.csv", "csv_data/sales/r.csv", "csv_data/sales/nope.csv", ...flags],
            clients(),
        );
        expect(said).to.contain("csv_data/sales/p.csv: pending").and.contain("waiting for the next job run");
        expect(said)
            .to.contain("csv_data/sales/r.csv: rejected")
            .and.contain("why: 3 of 3 rows quarantined")
            .and.contain(
                "quarantined rows: SELECT * FROM curated.sales__quarantine WHERE _upload_key = 'csv_data/sales/r.csv'",
            );
        expect(said).to.contain("csv_data/sales/nope.csv: not in the uploads ledger");
        expect(
            JSON.parse(await status(["csv_data/sales/p.csv", "--json", ...flags], clients()))["csv_data/sales/p.csv"]
                .status,
        ).to.deep.equal({ S: "pending" });
    });

    it("reprocess --dataset: every upload of the dataset pending again, its snapshot kept (its rows are replaced), and the job started", async () => {
        for (const [key, seq] of [
            ["csv_data/sales/a.csv", "01"],
            ["csv_data/sales/b.csv", "02"],
            ["csv_data/stock/c.csv", "03"],
        ]) {
            await record(key, seq);
            await convert(key, seq);
        }
        const said = await reprocess(["--dataset", "sales", ...flags], clients());
        expect(said).to.contain("2 upload(s) marked pending").and.contain("started job run jr_9 of lake-job");
        for (const key of ["csv_data/sales/a.csv", "csv_data/sales/b.csv"]) {
            const found = await item(key);
            expect(found?.status, key).to.deep.equal({ S: "pending" });
            expect(found?.todo, key).to.deep.equal({ S: "todo" });
            expect(found?.snapshot, key).to.not.equal(undefined);
        }
        expect((await item("csv_data/stock/c.csv"))?.status).to.deep.equal({ S: "converted" });
        expect(glueMock.commandCalls(StartJobRunCommand).map((c) => c.args[0].input)).to.deep.equal([
            { JobName: "lake-job" },
        ]);
    });

    it("reprocess --key: only those keys; a key the ledger never saw is named and left", async () => {
        await record("csv_data/sales/a.csv", "01");
        await convert("csv_data/sales/a.csv", "1");
        const said = await reprocess(
            ["--key", "csv_data/sales/a.csv", "--key", "csv_data/sales/typo.csv", "--no-start", ...flags],
            clients(),
        );
        expect(said).to.contain("1 upload(s) marked pending").and.contain("left csv_data/sales/typo.csv");
        expect(glueMock.commandCalls(StartJobRunCommand)).to.have.length(0);
    });

    it("npm run status runs the command through ts-node, as the README says", async () => {
        await record("csv_data/sales/a.csv", "01");
        const script = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "package.json"), "utf8")).scripts
            .status as string;
        expect(script).to.equal("ts-node --transpile-only ops/cli.ts status");
        const run = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "ops/cli.ts", "status", "csv_data/sales/a.csv", "--table", TABLE],
            {
                cwd: path.join(__dirname, ".."),
                encoding: "utf8",
                env: {
                    ...process.env,
                    AWS_REGION: "us-east-1",
                    AWS_ACCESS_KEY_ID: "testing",
                    AWS_SECRET_ACCESS_KEY: "testing",
                    AWS_ENDPOINT_URL_DYNAMODB: await motoEndpoint(),
                },
            },
        );
        expect(run.stderr).to.equal("");
        expect(run.stdout).to.contain("csv_data/sales/a.csv: pending (dataset sales");
        const bad = spawnSync(
            process.execPath,
            ["-r", "ts-node/register/transpile-only", "ops/cli.ts", "reprocess", "--table", TABLE],
            {
                cwd: path.join(__dirname, ".."),
                encoding: "utf8",
            },
        );
        expect(bad.status).to.equal(2);
        expect(bad.stderr).to.contain("error: usage: npm run reprocess");
    });

    it("reprocess refuses while a job run is in progress, and leaves the ledger as it was", async () => {
        await record("csv_data/sales/a.csv", "01");
        await convert("csv_data/sales/a.csv", "1");
        glueMock.on(GetJobRunsCommand).resolves({
            JobRuns: [
                { Id: "jr_live", JobRunState: "RUNNING" },
                { Id: "jr_0", JobRunState: "FAILED" },
            ],
        });
        let thrown: unknown;
        await reprocess(["--dataset", "sales", ...flags], clients()).catch((err) => {
            thrown = err;
        });
        expect(thrown).to.be.instanceOf(UsageError);
        expect((thrown as Error).message).to.contain("job run jr_live of lake-job is in progress");
        expect((await item("csv_data/sales/a.csv"))?.status).to.deep.equal({ S: "converted" });
        expect(glueMock.commandCalls(StartJobRunCommand)).to.have.length(0);
    });
});

describe("operator commands: arguments", () => {
    const none = {
        dynamodb: new DynamoDBClient({ region: "us-east-1" }),
        glue: new GlueClient({ region: "us-east-1" }),
    };
    const fails = async (run: () => Promise<string>, message: string) => {
        let thrown: unknown;
        await run().catch((err) => {
            thrown = err;
        });
        expect(thrown, message).to.be.instanceOf(UsageError);
        expect((thrown as Error).message).to.contain(message);
    };

    it("names what is missing: a key, a dataset or keys (not both), the table and job", async () => {
        await fails(() => status(["--table", "t"], none), "usage: npm run status -- <s3 key>");
        await fails(() => reprocess(["--table", "t", "--job", "j"], none), "usage: npm run reprocess");
        await fails(
            () => reprocess(["--dataset", "a", "--key", "k", "--table", "t", "--job", "j"], none),
            "usage: npm run reprocess",
        );
        await fails(() => status(["k", "--colour"], none), "Unknown option '--colour'");
        await fails(() => status(["k"], none, () => "{}"), "no uploads table: pass --table");
    });

    it("reads the table and job from the stack's outputs, and says what to do without the Pulumi CLI", () => {
        expect(stackOutputs("dev", (stack) => JSON.stringify({ uploadsTableName: `t-${stack}` }))).to.deep.equal({
            uploadsTableName: "t-dev",
        });
        expect(() =>
            stackOutputs(undefined, () => {
                throw new Error("spawnSync pulumi ENOENT");
            }),
        ).to.throw(UsageError, /"pulumi stack output --json" \(spawnSync pulumi ENOENT\); pass --table and --job/);
    });
});
