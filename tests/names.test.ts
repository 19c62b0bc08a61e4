/* Component names at the length limit: every child Pulumi names still fits its type one character below it, and a
   name one character longer is refused before anything is created, naming the child that would not fit. */
import { expect } from "chai";
import { build, Recorded } from "../testkit/harness";
import { buildPipeline } from "../testkit/pipeline";
import { NotificationTopic } from "../packages/csv-to-parquet/src";
import {
    AUTONAME_SUFFIX_LENGTH,
    AutoNamedChild,
    NAME_LIMITS,
    nameBound,
    PIPELINE_AUTONAMED,
    TOPIC_AUTONAMED,
} from "../packages/csv-to-parquet/src/components/names";

/** The physical-name input of each type, where the program may give one; a child without it is named by Pulumi. */
const NAME_INPUT: Record<string, string | undefined> = {
    "aws:s3/bucket:Bucket": "bucket",
    ...Object.fromEntries(Object.keys(NAME_LIMITS).map((type) => [type, "name"])),
};
/** Types that have no physical name of their own (AWS gives them an id) or that the program always names. */
const UNNAMED = new Set([
    "aws:cloudwatch/eventTarget:EventTarget", // target ids: the provider makes a unique one
    "aws:kms/key:Key",
    "aws:kms/keyPolicy:KeyPolicy",
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    "aws:sns/topicPolicy:TopicPolicy",
    "aws:sns/topicSubscription:TopicSubscription",
    "aws:sqs/queuePolicy:QueuePolicy",
    "aws:sqs/redriveAllowPolicy:RedriveAllowPolicy",
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketNotification:BucketNotification",
    "aws:s3/bucketObjectv2:BucketObjectv2",
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
    "aws:s3/bucketPolicy:BucketPolicy",
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketVersioning:BucketVersioning",
]);
/** Types the program names itself (given names are checked by the validator or fit by construction). */
const NAMED_BY_PROGRAM = new Set([
    "aws:cloudwatch/dashboard:Dashboard",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:glue/catalogDatabase:CatalogDatabase",
    "aws:glue/crawler:Crawler",
    "aws:glue/job:Job",
    "aws:glue/securityConfiguration:SecurityConfiguration",
    "aws:kms/alias:Alias",
]);

/** The children of a build that Pulumi would name, as [suffix after the component name, type]. */
function autoNamed(all: Recorded[], name: string): AutoNamedChild[] {
    const found: AutoNamedChild[] = [];
    for (const r of all) {
        if (r.type.startsWith("csv-to-parquet:") || UNNAMED.has(r.type) || NAMED_BY_PROGRAM.has(r.type)) continue;
        const input = NAME_INPUT[r.type];
        if (input === undefined) throw new Error(`${r.type} ${r.name}: classify it in tests/names.test.ts`);
        if (r.inputs[input] !== undefined) continue;
        expect(r.name.startsWith(name), r.name).to.equal(true);
        found.push([r.name.slice(name.length), r.type as AutoNamedChild[1]]);
    }
    return found;
}

const sorted = (children: readonly AutoNamedChild[]) => children.map((c) => c.join(" ")).sort();

describe("component names at the length limit", () => {
    const { max } = nameBound(PIPELINE_AUTONAMED);

    it("derives the pipeline's limit from its longest auto-named child: 37, bound by IAM's 64 for a role", () => {
        expect(max).to.equal(37);
        expect(nameBound(PIPELINE_AUTONAMED).child).to.deep.equal(["-start-crawler-role", "aws:iam/role:Role"]);
        expect(nameBound(TOPIC_AUTONAMED).max).to.equal(256 - AUTONAME_SUFFIX_LENGTH - "-topic".length);
    });

    it("lists exactly the pipeline's auto-named children, each fitting its type at the longest name", async () => {
        for (const prod of [false, true]) {
            const name = "p".repeat(max);
            const { resources } = await buildPipeline(name, { protectData: prod });
            const children = autoNamed(resources.all, name);
            expect(sorted(children)).to.deep.equal(sorted(PIPELINE_AUTONAMED));
            for (const [suffix, type] of children) {
                const generated = name.length + suffix.length + AUTONAME_SUFFIX_LENGTH;
                expect(generated, `${name}${suffix}`).to.be.at.most(NAME_LIMITS[type]);
            }
            // The boundary is tight: the binding child's generated name is exactly its type's limit.
            expect(
                Math.max(...children.map(([s, t]) => name.length + s.length + AUTONAME_SUFFIX_LENGTH - NAME_LIMITS[t])),
            ).to.equal(0);
        }
    });

    it("refuses a pipeline name one character over, naming the role that would not fit", async () => {
        const name = "p".repeat(max + 1);
        let error: unknown;
        try {
            await buildPipeline(name);
        } catch (err) {
            error = err;
        }
        expect(String(error)).to.contain(`"${name}" has 38 characters; at most 37`);
        expect(String(error)).to.contain('aws:iam/role:Role "<name>-start-crawler-role-"');
    });

    it("lists exactly the notification topic's auto-named children and refuses a name one over", async () => {
        const { max: topicMax } = nameBound(TOPIC_AUTONAMED);
        const name = "t".repeat(topicMax);
        const { resources } = await build((opts) => new NotificationTopic(name, { emails: ["a@example.com"] }, opts));
        expect(sorted(autoNamed(resources.all, name))).to.deep.equal(sorted(TOPIC_AUTONAMED));
        expect(() => new NotificationTopic(`${name}t`, {})).to.throw(/at most 242/);
    });
});
