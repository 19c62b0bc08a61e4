import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as yaml from "js-yaml";

const DIR = path.join(__dirname, "..", ".github", "workflows");
const VALIDATOR = require.resolve("@action-validator/cli/cli.mjs");

interface Step {
    uses?: string;
    run?: string;
    with?: Record<string, string | number | boolean>;
    env?: Record<string, string>;
}
interface Job {
    needs?: string | string[];
    environment?: string;
    permissions?: Record<string, string>;
    strategy?: { matrix: Record<string, string[]> };
    steps: Step[];
}
interface Workflow {
    on: Record<string, { branches?: string[] }>;
    permissions?: Record<string, string>;
    jobs: Record<string, Job>;
}

const load = (file: string) => yaml.load(fs.readFileSync(path.join(DIR, file), "utf8")) as Workflow;
const pulumiSteps = (job: Job) => job.steps.filter((s) => s.uses?.startsWith("pulumi/actions@"));
/** The policy pack's dependencies are installed before the job's first Pulumi step. */
const installsPolicyPackFirst = (job: Job) => {
    const install = job.steps.findIndex((s) => s.run?.trim().startsWith("npm ci --prefix policy"));
    return install >= 0 && install < job.steps.findIndex((s) => s.uses?.startsWith("pulumi/actions@"));
};

describe("GitHub workflows", () => {
    const files = fs
        .readdirSync(DIR)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort();

    it("are both present", () => {
        expect(files).to.deep.equal(["deploy.yml", "pull-request.yml"]);
    });

    for (const file of files) {
        it(`${file} passes action-validator`, () => {
            const result = spawnSync(process.execPath, [VALIDATOR, path.join(DIR, file)], { encoding: "utf8" });
            expect(result.status, `${result.stdout}${result.stderr}`).to.equal(0);
        });

        it(`${file} runs the tests on Node 22 with the npm cache, and uses OIDC, never stored AWS keys`, () => {
            const text = fs.readFileSync(path.join(DIR, file), "utf8");
            expect(text).to.not.match(/AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id/);
            const workflow = load(file);
            expect(workflow.permissions).to.deep.equal({ contents: "read" });
            const test = workflow.jobs.test.steps;
            expect(test.map((s) => s.run).filter(Boolean)).to.deep.equal(["npm ci", "npm test"]);
            for (const job of Object.values(workflow.jobs)) {
                const node = job.steps.find((s) => s.uses?.startsWith("actions/setup-node@"));
                expect(node?.with).to.deep.equal({ "node-version": 22, cache: "npm" });
                const aws = job.steps.find((s) => s.uses?.startsWith("aws-actions/configure-aws-credentials@"));
                if (pulumiSteps(job).length > 0) {
                    expect(job.permissions).to.include({ "id-token": "write" });
                    expect(aws?.with).to.have.property("role-to-assume");
                    expect(job.steps.indexOf(aws as Step)).to.be.below(job.steps.indexOf(pulumiSteps(job)[0]));
                }
            }
        });
    }

    it("previews dev and prod on pull requests, after the tests, commenting the plan", () => {
        const workflow = load("pull-request.yml");
        expect(Object.keys(workflow.on)).to.deep.equal(["pull_request"]);
        const preview = workflow.jobs.preview;
        expect(preview.needs).to.equal("test");
        expect(preview.strategy?.matrix.stack).to.deep.equal(["dev", "prod"]);
        expect(pulumiSteps(preview).map((s) => s.with)).to.deep.equal([
            {
                command: "preview",
                "stack-name": "${{ matrix.stack }}",
                policyPacks: "policy",
                "comment-on-pr": true,
                "github-token": "${{ secrets.GITHUB_TOKEN }}",
            },
        ]);
        expect(preview.permissions).to.include({ "pull-requests": "write" });
        expect(installsPolicyPackFirst(preview)).to.equal(true);
    });

    it("deploys dev then prod on main, prod behind the protected production environment", () => {
        const workflow = load("deploy.yml");
        expect(workflow.on).to.deep.equal({ push: { branches: ["main"] } });
        const { "up-dev": dev, "up-prod": prod } = workflow.jobs;
        expect(dev.needs).to.equal("test");
        expect(prod.needs).to.equal("up-dev");
        expect(prod.environment).to.equal("production");
        expect(pulumiSteps(dev).map((s) => s.with)).to.deep.equal([
            { command: "up", "stack-name": "dev", policyPacks: "policy" },
        ]);
        expect(pulumiSteps(prod).map((s) => s.with)).to.deep.equal([
            { command: "up", "stack-name": "prod", policyPacks: "policy" },
        ]);
        expect(installsPolicyPackFirst(dev) && installsPolicyPackFirst(prod)).to.equal(true);
    });
});
