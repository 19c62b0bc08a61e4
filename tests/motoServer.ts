/* moto's server on loopback, for the Node code whose DynamoDB condition checks must really be evaluated. One
   server per mocha process, started on first use from the project's Python environment (etl/venv.sh creates it
   when missing) and stopped when mocha exits. */
import { ChildProcess, spawn } from "child_process";
import * as net from "net";
import * as path from "path";
import { CreateTableCommand, CreateTableCommandInput, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { Inputs } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";

const ROOT = path.join(__dirname, "..");
let server: Promise<string> | undefined;
let child: ChildProcess | undefined;
/** The end of the server's output (it logs every request), for the error when it does not start. */
let output = "";

async function freePort(): Promise<number> {
    return new Promise((resolve, reject) => {
        const probe = net.createServer();
        probe.once("error", reject);
        probe.listen(0, "127.0.0.1", () => {
            const { port } = probe.address() as net.AddressInfo;
            probe.close(() => resolve(port));
        });
    });
}

async function waitUntilUp(endpoint: string, deadline: number): Promise<void> {
    for (;;) {
        try {
            if ((await fetch(`${endpoint}/moto-api/`)).ok) return;
        } catch {
            // not listening yet
        }
        if (child?.exitCode !== null && child?.exitCode !== undefined) {
            throw new Error(`moto's server exited with ${child.exitCode}:\n${output}`);
        }
        if (Date.now() > deadline) throw new Error(`moto's server did not answer in time:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
    }
}

/** The endpoint of the shared moto server (http://127.0.0.1:<port>), started on first call. */
export function motoEndpoint(): Promise<string> {
    server ??= (async () => {
        const port = await freePort();
        child = spawn(
            "sh",
            [path.join(ROOT, "etl", "venv.sh"), "python", "-m", "moto.server", "-H", "127.0.0.1", "-p", String(port)],
            {
                cwd: ROOT,
                stdio: ["ignore", "pipe", "pipe"],
            },
        );
        const keep = (chunk: Buffer) => {
            output = (output + chunk.toString()).slice(-4000);
        };
        child.stdout?.on("data", keep);
        child.stderr?.on("data", keep);
        process.once("exit", () => child?.kill());
        const endpoint = `http://127.0.0.1:${port}`;
        // The first call may install the Python environment (a few minutes on a fresh machine).
        await waitUntilUp(endpoint, Date.now() + 10 * 60_000);
        return endpoint;
    })();
    return server;
}

/** Forgets every resource the server holds (moto's reset API), so tests do not see each other's tables. */
export async function resetMoto(): Promise<void> {
    await fetch(`${await motoEndpoint()}/moto-api/reset`, { method: "POST" });
}

export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };

export async function motoDynamoDb(): Promise<DynamoDBClient> {
    return new DynamoDBClient({ endpoint: await motoEndpoint(), region: "us-east-1", credentials: MOTO_CREDENTIALS });
}

/** The CreateTable request for a table as the component declares it (aws.dynamodb.Table inputs, from the mocks). */
export function createTableRequest(tableName: string, table: Inputs): CreateTableCommandInput {
    const schema = (hashKey: string, rangeKey?: string) => [
        { AttributeName: hashKey, KeyType: "HASH" as const },
        ...(rangeKey ? [{ AttributeName: rangeKey, KeyType: "RANGE" as const }] : []),
    ];
    return {
        TableName: tableName,
        BillingMode: table.billingMode,
        AttributeDefinitions: table.attributes.map((a: Inputs) => ({ AttributeName: a.name, AttributeType: a.type })),
        KeySchema: schema(table.hashKey, table.rangeKey),
        GlobalSecondaryIndexes: (table.globalSecondaryIndexes ?? []).map((index: Inputs) => ({
            IndexName: index.name,
            KeySchema: schema(index.hashKey, index.rangeKey),
            Projection: { ProjectionType: index.projectionType },
        })),
    };
}

/** Creates the component's table on the moto server. */
export async function createTableOnMoto(client: DynamoDBClient, tableName: string, table: Inputs): Promise<void> {
    await client.send(new CreateTableCommand(createTableRequest(tableName, table)));
}

/** The uploads table as the component declares it: its inputs under Pulumi mocks. */
export async function componentUploadsTable(): Promise<Inputs> {
    const { resources } = await buildPipeline("lake");
    return resources.one("aws:dynamodb/table:Table", "lake-uploads").inputs;
}

/** Forgets everything the moto server holds, then creates the component's uploads table under this name. */
export async function freshUploadsTable(client: DynamoDBClient, tableName: string, table: Inputs): Promise<void> {
    await resetMoto();
    await createTableOnMoto(client, tableName, table);
}
