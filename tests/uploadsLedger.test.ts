import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { DynamoDBClient, GetItemCommand, QueryCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { GetCrawlerCommand, GlueClient, StartCrawlerCommand } from "@aws-sdk/client-glue";
import { Inputs } from "../testkit/harness";
import {
    comparableSequencer,
    LEDGER,
    recordUpload,
    s3NotificationParser,
    startCrawlerForBatch,
    UploadRecord,
    uploadsIn,
} from "../packages/csv-to-parquet/src/functions";
import { fixture, Json, s3Notification, sqsEvent } from "../testkit/events";
import { glueMock } from "./glueMock";
import { acceptingLedger } from "../testkit/ledgerStub";
import { componentUploadsTable, createTableRequest, freshUploadsTable, motoDynamoDb } from "./motoServer";

/** An S3 notification of one key at one sequencer (the sample event's other fields). */
function notification(
    encodedKey: string,
    sequencer: string,
    extra: { size?: number; eTag?: string; eventTime?: string } = {},
) {
    const event = s3Notification(encodedKey, extra.eventTime);
    const object = ((event.Records as { [key: string]: Json }[])[0].s3 as { [key: string]: Json }).object as {
        [key: string]: Json;
    };
    Object.assign(
        object,
        { sequencer },
        extra.size === undefined ? {} : { size: extra.size },
        extra.eTag === undefined ? {} : { eTag: extra.eTag },
    );
    return event;
}

/** The uploads a message body announces, the body parsed as the function parses it; none for a body it refuses. */
function uploadsOf(body: string, rawPrefix: string): UploadRecord[] {
    const parsed = s3NotificationParser(body);
    return parsed.success ? uploadsIn(parsed.data, rawPrefix) : [];
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe("uploads ledger: what a notification records", () => {
    it("reads the sample ObjectCreated record: decoded key, dataset, padded sequencer, size, ETag, event time", () => {
        const [upload] = uploadsOf(JSON.stringify(s3Notification("csv_data/my+sales/q1+%2B+q2.csv")), "csv_data/");
        expect(upload).to.deep.equal({
            key: "csv_data/my sales/q1 + q2.csv",
            dataset: "my sales",
            sequencer: comparableSequencer("0A1B2C3D4E5F678901"),
            size: 1024,
            etag: "0123456789abcdef0123456789abcdef",
            eventTime: "2026-11-21T10:00:00.000Z",
        });
    });

    it("records only CSV objects in a dataset folder under the raw prefix, as the job converts them", () => {
        const keys = (...encoded: string[]) =>
            encoded.flatMap((k) => uploadsOf(JSON.stringify(s3Notification(k)), "csv_data/").map((u) => u.key));
        expect(
            keys(
                "csv_data/a/x.CSV",
                "csv_data/a/2024/x.csv",
                "csv_data/x.csv",
                "csv_data/a/x.txt",
                "parquet_data/a/x.csv",
                "csv_data//x.csv",
            ),
        ).to.deep.equal(["csv_data/a/x.CSV", "csv_data/a/2024/x.csv"]);
        expect(uploadsOf(JSON.stringify(fixture("s3-test-event")), "csv_data/")).to.deep.equal([]);
        expect(uploadsOf("not json", "csv_data/")).to.deep.equal([]);
        expect(uploadsOf(JSON.stringify(notification("csv_data/a/x.csv", "not-hex")), "csv_data/")).to.deep.equal([]);
    });

    it("orders sequencers of different lengths as S3 says: left-padded with zeros, then compared as text", () => {
        const order = [
            "0",
            "FF",
            "0100",
            "00000000000000000101",
            "0055AED6DCD90281E5",
            "0055aed6dcd90281e6",
            "1000000000000000000",
            "F".repeat(64),
            `1${"0".repeat(64)}`,
            `0000${"1".repeat(65)}`,
            `1${"0".repeat(300)}`,
        ];
        const stored = order.map((s) => comparableSequencer(s) as string);
        expect([...stored].sort()).to.deep.equal(stored);
        expect(comparableSequencer("0100")).to.equal(comparableSequencer("100"));
        expect(comparableSequencer("0A1B")).to.equal("00000003-A1B");
        expect(comparableSequencer("")).to.equal(undefined);
        expect(comparableSequencer("12G")).to.equal(undefined);
    });

    it("records an upload whose sequencer is longer than 64 hex digits (S3 promises no maximum)", () => {
        const long = `0${"AB".repeat(40)}`;
        const [upload] = uploadsOf(JSON.stringify(notification("csv_data/a/x.csv", long)), "csv_data/");
        expect(upload?.sequencer).to.equal(`00000080-${"AB".repeat(40)}`);
    });

    it("fails a message whose record has no sequencer, with an error line, instead of dropping it", async () => {
        const logged: unknown[][] = [];
        const log = { info: () => undefined, warn: () => undefined, error: (...a: unknown[]) => logged.push(a) };
        glueMock.reset();
        const ledger = acceptingLedger();
        const event = sqsEvent(notification("csv_data/a/x.csv", "not-hex"));
        const glue = new GlueClient({ region: "us-east-1" });
        const response = await startCrawlerForBatch(event, {
            glue,
            crawlerName: "c",
            rawPrefix: "csv_data/",
            ledger,
            log,
        });
        expect(response.batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[0].messageId }]);
        expect(ledger.writes()).to.deep.equal([]);
        expect(glueMock.calls()).to.have.length(0);
        expect(JSON.stringify(logged)).to.contain("has no hexadecimal sequencer");
    });
});

describe("uploads ledger on DynamoDB (moto's server: conditions are really evaluated)", function () {
    this.timeout(10 * 60_000); // the first test may install the Python environment that runs moto
    let table: Inputs;
    let client: DynamoDBClient;
    const tableName = "uploads";
    const ledger = () => ({ dynamodb: client, tableName });
    const item = async (key: string) =>
        (
            await client.send(
                new GetItemCommand({ TableName: tableName, Key: { key: { S: key } }, ConsistentRead: true }),
            )
        ).Item;
    const upload = (sequencer: string, etag = "e1"): UploadRecord => ({
        key: "csv_data/sales/a.csv",
        dataset: "sales",
        sequencer: comparableSequencer(sequencer) as string,
        size: 10,
        etag,
        eventTime: "2026-11-21T10:00:00.000Z",
    });

    before(async () => {
        table = await componentUploadsTable();
        client = await motoDynamoDb();
    });
    beforeEach(async () => {
        await freshUploadsTable(client, tableName, table);
    });

    it("names the item's attributes as etl/lake/ledger_item.py does, one for one", () => {
        const python = fs.readFileSync(path.join(__dirname, "..", "etl", "lake", "ledger_item.py"), "utf8");
        const named = [...python.matchAll(/^[A-Z_]+ = "([A-Za-z]+)"/gm)].map((m) => m[1]);
        expect([...new Set(named)].sort()).to.deep.equal([...new Set(Object.values(LEDGER))].sort());
    });

    it("the component's table is the one the Python tests create (testkit/fixtures/uploads-table.json)", () => {
        expect(createTableRequest("uploads", table)).to.deep.equal(fixture("uploads-table"));
    });

    it("writes for AWS's sample event the item the Python tests write (testkit/fixtures/ledger-recorded-item.json)", async () => {
        const [sample] = uploadsOf(JSON.stringify(fixture("s3-object-created")), "csv_data/");
        await recordUpload(ledger(), sample);
        expect(await item(sample.key)).to.deep.equal(fixture("ledger-recorded-item"));
    });

    it("records a new upload as pending, in the to-do index", async () => {
        expect(await recordUpload(ledger(), upload("0A"))).to.equal(true);
        const found = await item("csv_data/sales/a.csv");
        expect(found?.status).to.deep.equal({ S: "pending" });
        expect(found?.etag).to.deep.equal({ S: "e1" });
        const todo = await client.send(
            new QueryCommand({
                TableName: tableName,
                IndexName: LEDGER.todoIndex,
                KeyConditionExpression: "#todo = :todo",
                ExpressionAttributeNames: { "#todo": LEDGER.todo },
                ExpressionAttributeValues: { ":todo": { S: LEDGER.todoValue } },
            }),
        );
        expect(todo.Items?.map((i) => i.key.S)).to.deep.equal(["csv_data/sales/a.csv"]);
    });

    it("a redelivered notification changes nothing", async () => {
        await recordUpload(ledger(), upload("0A"));
        await client.send(
            new UpdateItemCommand({
                TableName: tableName,
                Key: { key: { S: "csv_data/sales/a.csv" } },
                UpdateExpression: "SET #s = :done REMOVE #todo",
                ExpressionAttributeNames: { "#s": "status", "#todo": LEDGER.todo },
                ExpressionAttributeValues: { ":done": { S: "converted" } },
            }),
        );
        expect(await recordUpload(ledger(), upload("0A"))).to.equal(false);
        const found = await item("csv_data/sales/a.csv");
        expect(found?.status).to.deep.equal({ S: "converted" });
        expect(found?.todo).to.equal(undefined);
    });

    it("an older version arriving after a newer one never replaces it; a newer one after it does", async () => {
        expect(await recordUpload(ledger(), upload("0055AED6DCD90281E6", "new"))).to.equal(true);
        expect(await recordUpload(ledger(), upload("0055AED6DCD90281E5", "old"))).to.equal(false);
        expect((await item("csv_data/sales/a.csv"))?.etag).to.deep.equal({ S: "new" });
        expect(await recordUpload(ledger(), upload("0055AED6DCD90281E7", "newer"))).to.equal(true);
        expect((await item("csv_data/sales/a.csv"))?.etag).to.deep.equal({ S: "newer" });
    });

    it("a new version of a converted key is pending again and keeps the snapshot whose rows the job replaces", async () => {
        await recordUpload(ledger(), upload("0A"));
        await client.send(
            new UpdateItemCommand({
                TableName: tableName,
                Key: { key: { S: "csv_data/sales/a.csv" } },
                UpdateExpression: "SET #s = :rejected, #snapshot = :snapshot, #error = :why REMOVE #todo",
                ExpressionAttributeNames: {
                    "#s": "status",
                    "#todo": LEDGER.todo,
                    "#error": "error",
                    "#snapshot": "snapshot",
                },
                ExpressionAttributeValues: {
                    ":rejected": { S: "rejected" },
                    ":snapshot": { N: "4567" },
                    ":why": { S: "bad" },
                },
            }),
        );
        expect(await recordUpload(ledger(), upload("0B", "e2"))).to.equal(true);
        const found = await item("csv_data/sales/a.csv");
        expect(found?.status).to.deep.equal({ S: "pending" });
        expect(found?.todo).to.deep.equal({ S: LEDGER.todoValue });
        expect(found?.snapshot).to.deep.equal({ N: "4567" });
        expect(found?.error).to.equal(undefined);
    });

    it("start-crawler records every upload of the batch before its crawl logic, duplicates once", async () => {
        glueMock.reset();
        glueMock.on(GetCrawlerCommand).resolves({ Crawler: { State: "RUNNING" } });
        const event = sqsEvent(
            notification("csv_data/a/1.csv", "01"),
            notification("csv_data/b/2.csv", "02"),
            notification("csv_data/a/1.csv", "01"),
        );
        const response = await startCrawlerForBatch(event, {
            glue: new GlueClient({}),
            crawlerName: "c",
            rawPrefix: "csv_data/",
            ledger: ledger(),
            log: silent,
        });
        expect(response.batchItemFailures).to.have.length(3); // the crawler is busy: kept for a later crawl
        expect((await item("csv_data/a/1.csv"))?.status).to.deep.equal({ S: "pending" });
        expect((await item("csv_data/b/2.csv"))?.dataset).to.deep.equal({ S: "b" });
    });
});

describe("uploads ledger: errors while recording", () => {
    const glue = new GlueClient({ region: "us-east-1" });
    const failing = (name: string, status: number) => {
        const dynamodb = new DynamoDBClient({ region: "us-east-1" });
        mockClient(dynamodb)
            .on(UpdateItemCommand)
            .rejects(Object.assign(new Error(name), { name, $metadata: { httpStatusCode: status } }));
        return { dynamodb, tableName: "uploads" };
    };
    beforeEach(() => {
        glueMock.reset();
        glueMock.on(GetCrawlerCommand).resolves({ Crawler: { State: "READY" } });
        glueMock.on(StartCrawlerCommand).resolves({});
    });

    it("a throttled write sends its message back whole and starts no crawl for it; the others go on", async () => {
        const event = sqsEvent(notification("csv_data/a/1.csv", "01"), fixture("s3-test-event"));
        const response = await startCrawlerForBatch(event, {
            glue,
            crawlerName: "c",
            rawPrefix: "csv_data/",
            ledger: failing("ProvisionedThroughputExceededException", 400),
            log: silent,
        });
        expect(response.batchItemFailures).to.deep.equal([{ itemIdentifier: event.Records[0].messageId }]);
        expect(glueMock.commandCalls(StartCrawlerCommand)).to.have.length(0);
    });

    it("access denied fails the invocation, so the function's error alarm fires", async () => {
        let thrown: unknown;
        await startCrawlerForBatch(sqsEvent(notification("csv_data/a/1.csv", "01")), {
            glue,
            crawlerName: "c",
            rawPrefix: "csv_data/",
            ledger: failing("AccessDeniedException", 400),
            log: silent,
        }).catch((err) => {
            thrown = err;
        });
        expect((thrown as Error).name).to.equal("AccessDeniedException");
    });
});
