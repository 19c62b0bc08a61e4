/*
 * The real Pulumi engine, offline: `pulumi up` of each stack on a file backend with the policy pack, then a second
 * `pulumi preview --expect-no-changes`, as a user's first deploy and a pull request's preview run them. The aws
 * provider is the stand-in of ../shared/tools/pulumi (install-aws-stub: it accepts every input as given), so this
 * proves that the program, the engine and the policy pack agree and that nothing diffs forever; nothing about AWS.
 * The CLI is `pulumi` from PATH when there is one, else the offline copy beside this clone; with neither, or
 * without the stand-in provider, the test is reported as pending, never as passed.
 */
import { expect } from "chai";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pulumiCli, TOOLS } from "../testkit/pulumiCli";
import { buildStack } from "../testkit/stackFiles";

const ROOT = path.join(__dirname, "..");
/** The address the mock build (testkit/stackFiles.ts) subscribes, so both name the subscription alike. */
const EMAIL = "data-team@example.com";
/** What the copy leaves out: installed or generated, never part of what `pulumi up` reads. */
const NOT_COPIED = new Set(["node_modules", ".git", ".venv", ".local", ".pulumi", "bin", ".serialized", ".out"]);

/** A temporary copy of the project (`pulumi config set` writes the stack file), sharing this clone's packages. */
function copyProject(into: string): void {
    fs.cpSync(ROOT, into, { recursive: true, filter: (source) => !NOT_COPIED.has(path.basename(source)) });
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(into, "node_modules"), "dir");
    fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(into, "policy", "node_modules"), "dir");
}

describe("the real Pulumi engine on a file backend (stand-in aws provider)", function () {
    this.timeout(10 * 60_000);
    const cli = pulumiCli();
    const stub = path.join(TOOLS, "install-aws-stub");
    let work: string;
    let run: (args: string[]) => { status: number | null; stdout: string; output: string };

    before(function () {
        if (cli === undefined || !fs.existsSync(stub)) {
            console.log(`      no Pulumi CLI on PATH or in ${TOOLS}, or no stand-in provider: skipped`);
            this.skip();
        }
        work = fs.mkdtempSync(path.join(os.tmpdir(), "engine-"));
        const home = path.join(work, "home");
        const project = path.join(work, "project");
        copyProject(project);
        const env = {
            ...process.env,
            // The language host runs the program with the `node` on PATH: the one running these tests.
            PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}`,
            PULUMI_HOME: home,
            PULUMI_CONFIG_PASSPHRASE: "engine-test",
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_BACKEND_URL: `file://${path.join(work, "state")}`,
        };
        fs.mkdirSync(path.join(work, "state"));
        execFileSync(stub, [home], { cwd: project, env, stdio: "pipe" });
        run = (args) => {
            const done = spawnSync(cli as string, [...args, "--non-interactive"], {
                cwd: project,
                env,
                encoding: "utf8",
                maxBuffer: 64 * 1024 * 1024,
            });
            return { status: done.status, stdout: done.stdout, output: `${done.stdout}${done.stderr}` };
        };
    });

    after(() => {
        if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    for (const stack of ["dev", "prod"]) {
        it(`${stack}: pulumi up with the policy pack creates what the mocks build; a second preview changes nothing`, async () => {
            for (const args of [
                ["stack", "init", stack],
                ["config", "set", "notificationEmail", EMAIL],
            ]) {
                const step = run(args);
                expect(step.status, step.output).to.equal(0);
            }
            const up = run(["up", "--yes", "--skip-preview", "--policy-pack", "policy"]);
            expect(up.status, up.output).to.equal(0);
            expect(up.output).to.match(/✅ csv-to-parquet-security@v[\d.]+ \(local: policy\)/);

            const exported = run(["stack", "export"]);
            expect(exported.status, exported.output).to.equal(0);
            const deployed = (JSON.parse(exported.stdout).deployment.resources as { urn: string; type: string }[])
                .filter((r) => r.type !== "pulumi:pulumi:Stack" && !r.type.startsWith("pulumi:providers:"))
                .map((r) => `${r.type} ${r.urn.split("::").pop()}`)
                .sort();
            const built = (await buildStack(stack)).all.map((r) => `${r.type} ${r.name}`).sort();
            expect(deployed).to.deep.equal(built);

            const again = run(["preview", "--expect-no-changes", "--policy-pack", "policy"]);
            expect(again.status, again.output).to.equal(0);
            expect(again.output).to.match(new RegExp(`${deployed.length + 1} unchanged`));
        });
    }
});
