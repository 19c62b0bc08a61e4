import { expect } from "chai";
import { ACCOUNT, build, valueOf } from "../testkit/harness";
import { NotificationTopic } from "../packages/csv-to-parquet/src";

describe("NotificationTopic", () => {
    it("subscribes each address once by email and exposes the topic ARN", async () => {
        const { value, resources } = await build(
            (opts) =>
                new NotificationTopic(
                    "alerts",
                    {
                        emails: ["ops@example.com", "Owner@example.org", "OPS@example.com"],
                    },
                    opts,
                ),
        );
        const topic = resources.one("aws:sns/topic:Topic", "alerts-topic");
        const subscriptions = resources.ofType("aws:sns/topicSubscription:TopicSubscription").map((s) => s.inputs);
        expect(subscriptions).to.have.length(2);
        expect(subscriptions.map((s) => s.endpoint).sort()).to.deep.equal(["Owner@example.org", "ops@example.com"]);
        for (const s of subscriptions) {
            expect(s).to.include({ protocol: "email", topic: topic.state.arn });
        }
        expect(await valueOf(value.topicArn)).to.equal(topic.state.arn);
    });

    it("lets EventBridge rules and CloudWatch alarms of this account publish, and nobody else", async () => {
        const { resources } = await build(
            (opts) => new NotificationTopic("alerts", { emails: ["ops@example.com"] }, opts),
        );
        const topicArn = resources.one("aws:sns/topic:Topic", "alerts-topic").state.arn;
        expect(resources.one("aws:sns/topicPolicy:TopicPolicy", "alerts-topic").inputs.arn).to.equal(topicArn);
        const statements = resources.json("aws:sns/topicPolicy:TopicPolicy", "alerts-topic").Statement;
        expect(statements.map((s: { Principal: unknown }) => s.Principal)).to.deep.equal([
            { Service: "events.amazonaws.com" },
            { Service: "cloudwatch.amazonaws.com" },
        ]);
        for (const s of statements) {
            expect(s).to.deep.include({ Effect: "Allow", Action: "sns:Publish", Resource: topicArn });
            expect(s.Condition).to.deep.equal({ StringEquals: { "aws:SourceAccount": ACCOUNT } });
        }
    });

    it("keeps subscription names stable when the list is reordered", async () => {
        const names = async (emails: string[]) =>
            (await build((opts) => new NotificationTopic("alerts", { emails }, opts))).resources
                .ofType("aws:sns/topicSubscription:TopicSubscription")
                .map((s) => s.name)
                .sort();
        const forward = await names(["a@example.com", "b@example.com"]);
        expect(await names(["b@example.com", "a@example.com"])).to.deep.equal(forward);
        expect(forward.join(" ")).to.not.contain("@");
    });

    it("rejects an address that is not an email, naming the field", () => {
        expect(() => new NotificationTopic("bad", { emails: ["ops@example.com", "ops at example"] })).to.throw(
            /NotificationTopic bad: emails contains "ops at example"/,
        );
    });
});
