/*
 * `npm run status -- <key>` and `npm run reprocess -- --dataset NAME | --key KEY…`: the uploads ledger for an
 * operator, with their AWS credentials. The table and job come from the stack's outputs (`pulumi stack output
 * --json`, for `--stack` or the selected stack) unless given with --table and --job.
 */
import { execFileSync } from "child_process";
import { parseArgs } from "util";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GlueClient, StartJobRunCommand } from "@aws-sdk/client-glue";
import { datasetKeys, describeUpload, getUpload, liveJobRun, markForReprocessing } from "./uploads";

export class UsageError extends Error {}

export interface Clients {
    dynamodb: DynamoDBClient;
    glue: GlueClient;
}

/** The stack outputs these commands need; `read` runs the Pulumi CLI (replaced in the tests). */
export function stackOutputs(stack: string | undefined, read = readStackOutputs): Record<string, string> {
    let text: string;
    try {
        text = read(stack);
    } catch (err) {
        throw new UsageError(
            `cannot read the stack's outputs with "pulumi stack output --json" (${(err as Error).message.split("\n")[0]}); ` +
                "pass --table and --job, or run where the Pulumi CLI and the stack are available",
        );
    }
    return JSON.parse(text) as Record<string, string>;
}

function readStackOutputs(stack: string | undefined): string {
    return execFileSync("pulumi", ["stack", "output", "--json", ...(stack ? ["--stack", stack] : [])], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
    });
}

const OPTIONS = {
    stack: { type: "string" },
    table: { type: "string" },
    job: { type: "string" },
    dataset: { type: "string" },
    key: { type: "string", multiple: true },
    json: { type: "boolean" },
    "no-start": { type: "boolean" },
} as const;

function parse(argv: string[]) {
    try {
        return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true });
    } catch (err) {
        throw new UsageError((err as Error).message);
    }
}

/** The names a command needs, from its flags or else the stack's outputs. */
function names(values: ReturnType<typeof parse>["values"], needJob: boolean, read?: typeof readStackOutputs) {
    let outputs: Record<string, string> = {};
    if (!values.table || (needJob && !values.job)) outputs = stackOutputs(values.stack, read);
    const table = values.table ?? outputs.uploadsTableName;
    const job = values.job ?? outputs.jobName;
    if (!table) throw new UsageError("no uploads table: pass --table, or deploy a stack that exports uploadsTableName");
    if (needJob && !job) throw new UsageError("no job: pass --job, or deploy a stack that exports jobName");
    return { table, job: job as string };
}

/** `status <key>…`: what happened to each upload. */
export async function status(argv: string[], clients: Clients, read?: typeof readStackOutputs): Promise<string> {
    const { values, positionals } = parse(argv);
    if (positionals.length === 0)
        throw new UsageError("usage: npm run status -- <s3 key> [<s3 key>…] [--stack NAME | --table NAME] [--json]");
    const { table } = names(values, false, read);
    const found = await Promise.all(
        positionals.map(async (key) => [key, await getUpload(clients.dynamodb, table, key)] as const),
    );
    if (values.json) return JSON.stringify(Object.fromEntries(found), null, 2);
    return found.map(([key, item]) => describeUpload(key, item)).join("\n\n");
}

/** `reprocess --dataset NAME | --key KEY…`: marks the uploads pending and starts the job. */
export async function reprocess(argv: string[], clients: Clients, read?: typeof readStackOutputs): Promise<string> {
    const { values, positionals } = parse(argv);
    const keys = values.key ?? [];
    if ((values.dataset === undefined) === (keys.length === 0) || positionals.length > 0) {
        throw new UsageError(
            "usage: npm run reprocess -- (--dataset NAME | --key S3_KEY [--key S3_KEY…]) [--stack NAME | --table NAME --job NAME] [--no-start]",
        );
    }
    const { table, job } = names(values, true, read);
    const running = await liveJobRun(clients.glue, job);
    if (running) throw new UsageError(`job run ${running} of ${job} is in progress: reprocess once it has finished`);
    const wanted = values.dataset === undefined ? keys : await datasetKeys(clients.dynamodb, table, values.dataset);
    if (wanted.length === 0) throw new UsageError(`the uploads ledger holds no upload of dataset ${values.dataset}`);
    const { marked, left } = await markForReprocessing(clients.dynamodb, table, wanted);
    const lines = [
        `${marked.length} upload(s) marked pending in ${table}`,
        ...left.map(([key, why]) => `  left ${key}: ${why}`),
    ];
    if (marked.length > 0 && !values["no-start"]) {
        const { JobRunId } = await clients.glue.send(new StartJobRunCommand({ JobName: job }));
        lines.push(`started job run ${JobRunId} of ${job}; each upload's rows are replaced, never added twice`);
    } else if (marked.length > 0) {
        lines.push(`the next run of ${job} converts them (aws glue start-job-run --job-name ${job})`);
    }
    return lines.join("\n");
}

/** Runs one command and exits: 0 done, 2 bad usage (named), 1 anything else. */
export async function main(command: typeof status, argv: string[]): Promise<void> {
    try {
        console.log(await command(argv, { dynamodb: new DynamoDBClient({}), glue: new GlueClient({}) }));
    } catch (err) {
        console.error(`error: ${(err as Error).message}`);
        process.exitCode = err instanceof UsageError ? 2 : 1;
    }
}

if (require.main === module) {
    const [which, ...argv] = process.argv.slice(2);
    void main(which === "reprocess" ? reprocess : status, argv);
}
