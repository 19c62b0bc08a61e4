/* Pulumi mocks shared by every mock-based test and the benchmark. Import this before any module that creates
   resources. */
import * as pulumi from "@pulumi/pulumi";

export const ACCOUNT = "123456789012";
export const REGION = "us-east-1";
/** The notification topic the component tests give a pipeline. */
export const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:alerts`;

/** The resource types the tests look up, by a short name. */
export const T = {
    bucket: "aws:s3/bucket:Bucket",
    queue: "aws:sqs/queue:Queue",
    queuePolicy: "aws:sqs/queuePolicy:QueuePolicy",
    notification: "aws:s3/bucketNotification:BucketNotification",
    fn: "aws:lambda/function:Function",
    esm: "aws:lambda/eventSourceMapping:EventSourceMapping",
    role: "aws:iam/role:Role",
    rolePolicy: "aws:iam/rolePolicy:RolePolicy",
    rule: "aws:cloudwatch/eventRule:EventRule",
    target: "aws:cloudwatch/eventTarget:EventTarget",
    crawler: "aws:glue/crawler:Crawler",
    job: "aws:glue/job:Job",
} as const;

/** A statement of a policy document as the mocks record it (plain JSON). */
export interface Statement {
    Sid?: string;
    Effect: string;
    Action: string | string[];
    Resource: string | string[];
    Principal?: unknown;
    Condition?: Record<string, Record<string, string | string[]>>;
}

/** A policy field that may be one value or a list, as a list. */
export const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
export const PROJECT = "csv-to-parquet";

/** Deserialized resource inputs as the engine would receive them (plain values, no Outputs). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Inputs = Record<string, any>;

export interface Recorded {
    type: string;
    name: string;
    inputs: Inputs;
    state: Inputs;
}

let recorded: Recorded[] = [];

/** A plausible ARN for a mocked resource, in the format AWS gives that resource type. */
function arnFor(type: string, physicalName: string): string {
    const [, module] = type.split(":");
    const [service, kind = "resource"] = module.split("/");
    switch (type) {
        case "aws:s3/bucket:Bucket":
            return `arn:aws:s3:::${physicalName}`;
        case "aws:sqs/queue:Queue":
            return `arn:aws:sqs:${REGION}:${ACCOUNT}:${physicalName}`;
        case "aws:sns/topic:Topic":
            return `arn:aws:sns:${REGION}:${ACCOUNT}:${physicalName}`;
        case "aws:iam/role:Role":
            return `arn:aws:iam::${ACCOUNT}:role/${physicalName}`;
        case "aws:cloudwatch/logGroup:LogGroup":
            return `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:${physicalName}`;
        case "aws:lambda/function:Function":
            return `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${physicalName}`;
        case "aws:cloudwatch/eventRule:EventRule":
            return `arn:aws:events:${REGION}:${ACCOUNT}:rule/${physicalName}`;
        case "aws:glue/catalogDatabase:CatalogDatabase":
            return `arn:aws:glue:${REGION}:${ACCOUNT}:database/${physicalName}`;
        case "aws:glue/crawler:Crawler":
            return `arn:aws:glue:${REGION}:${ACCOUNT}:crawler/${physicalName}`;
        case "aws:glue/job:Job":
            return `arn:aws:glue:${REGION}:${ACCOUNT}:job/${physicalName}`;
        case "aws:glue/dataQualityRuleset:DataQualityRuleset":
            return `arn:aws:glue:${REGION}:${ACCOUNT}:dataQualityRuleset/${physicalName}`;
        default:
            return `arn:aws:${service}:${REGION}:${ACCOUNT}:${kind.toLowerCase()}/${physicalName}`;
    }
}

pulumi.runtime.setMocks(
    {
        newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Inputs } {
            const inputs: Inputs = args.inputs;
            const physicalName: string =
                inputs.name ?? (inputs.namePrefix ? `${inputs.namePrefix}0a1b2c3` : `${args.name}-0a1b2c3`);
            const state: Inputs = args.custom
                ? { ...inputs, name: physicalName, arn: arnFor(args.type, physicalName) }
                : {};
            if (args.type === "aws:s3/bucket:Bucket") {
                state.bucket = inputs.bucket ?? physicalName;
                state.arn = arnFor(args.type, state.bucket);
            }
            if (args.type === "aws:kms/key:Key") {
                state.keyId = physicalName;
            }
            if (args.type === "aws:sqs/queue:Queue") {
                state.url = `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${physicalName}`;
            }
            recorded.push({ type: args.type, name: args.name, inputs, state });
            return { id: args.type === "aws:s3/bucket:Bucket" ? state.bucket : `${physicalName}-id`, state };
        },
        call(args: pulumi.runtime.MockCallArgs): Inputs {
            throw new Error(`Unexpected provider function call ${args.token}: the program must not need invokes`);
        },
    },
    PROJECT,
    "test",
    false,
);

/** Forgets what was recorded so far, before running a program by `require`. */
export function startRecording(): void {
    recorded = [];
}

/** What the mock engine has seen since the last `startRecording` (for programs run by `require`). */
export function recordedSoFar(): Recorded[] {
    return [...recorded];
}

/** Resolves once the mock engine has seen a resource of this type and name (for programs run by `require`). */
export async function registered(type: string, name: string, timeoutMs = 20000): Promise<Recorded> {
    const start = Date.now();
    for (;;) {
        const found = recorded.find((r) => r.type === type && r.name === name);
        if (found) return found;
        if (Date.now() - start > timeoutMs) throw new Error(`${type} ${name} was never registered`);
        await new Promise((resolve) => setTimeout(resolve, 20));
    }
}

/** The value of an Output, once it is known. */
export function valueOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/** A resource as the program created it, with the options it was given. */
export interface Made {
    resource: pulumi.Resource;
    type: string;
    name: string;
    opts: pulumi.CustomResourceOptions | pulumi.ComponentResourceOptions;
}

/** What a build recorded: every resource registered, in order, and the options each was created with. */
export class Resources {
    constructor(
        public readonly all: Recorded[],
        public readonly made: Made[] = [],
    ) {}

    /** The resource options a resource was created with (protect, retainOnDelete, dependsOn, ...). */
    options(type: string, name: string): Made["opts"] {
        const found = this.made.filter((m) => m.type === type && m.name === name);
        if (found.length !== 1) {
            throw new Error(`expected one ${type} named ${name} among the created resources, found ${found.length}`);
        }
        return found[0].opts;
    }

    /** URNs of the resources a resource explicitly depends on. */
    async dependsOn(type: string, name: string): Promise<string[]> {
        const deps = this.options(type, name).dependsOn;
        // This program passes plain arrays of resources; anything else fails the test that asks.
        const list = (deps === undefined ? [] : Array.isArray(deps) ? deps : [deps]) as pulumi.Resource[];
        return Promise.all(list.map((d) => valueOf(d.urn)));
    }

    ofType(type: string): Recorded[] {
        return this.all.filter((r) => r.type === type);
    }

    one(type: string, nameSuffix: string): Recorded {
        const found = this.all.filter((r) => r.type === type && r.name.endsWith(nameSuffix));
        if (found.length !== 1) {
            throw new Error(
                `expected one ${type} named *${nameSuffix}, found ${found.map((r) => r.name).join(", ") || "none"}`,
            );
        }
        return found[0];
    }

    /** The parsed policy JSON of a resource's input (policy, assumeRolePolicy, eventPattern, ...). */
    json(type: string, nameSuffix: string, field = "policy"): Inputs {
        return JSON.parse(this.one(type, nameSuffix).inputs[field]);
    }
}

/**
 * Runs `create` with resource options that see every resource it makes (components and their children), waits
 * until all of them are registered with the mock engine, and returns what was recorded.
 */
export async function build<T>(
    create: (opts: pulumi.ComponentResourceOptions) => T,
): Promise<{ value: T; resources: Resources }> {
    recorded = [];
    const made: Made[] = [];
    const value = create({
        transformations: [
            (args) => {
                made.push({ resource: args.resource, type: args.type, name: args.name, opts: args.opts });
                return undefined;
            },
        ],
    });
    let waited = 0;
    while (waited < made.length) {
        const batch = made.slice(waited);
        waited = made.length;
        await Promise.all(batch.map((m) => valueOf(m.resource.urn)));
    }
    return { value, resources: new Resources([...recorded], made) };
}
