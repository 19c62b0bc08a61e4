/* The README and docs/: links that resolve, the first screen a newcomer sees, and the sections alarms point to. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");
const DOCS = fs
    .readdirSync(path.join(ROOT, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => path.join("docs", f));
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), "utf8");

/** GitHub's anchor for a heading: lower case, punctuation other than "-" dropped, spaces as "-". */
function anchor(heading: string): string {
    return heading
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, "")
        .replace(/ /g, "-");
}

/** The anchors of a Markdown file's headings, outside code blocks. */
function anchors(file: string): string[] {
    const text = read(file).replace(/```[\s\S]*?```/g, "");
    return [...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => anchor(m[1]));
}

/** The relative links of a Markdown file, as [file, anchor]. */
function links(file: string): [string, string | undefined][] {
    return [...read(file).matchAll(/\]\(([^)\s]+)\)/g)]
        .map((m) => m[1])
        .filter((target) => !/^[a-z]+:/.test(target))
        .map((target) => {
            const [to, hash] = target.split("#");
            return [to === "" ? file : path.join(path.dirname(file), to), hash];
        });
}

describe("README and docs/", () => {
    it("holds the five documents the README sends a reader to", () => {
        expect(DOCS.sort()).to.deep.equal([
            "docs/benchmark.md",
            "docs/conversion.md",
            "docs/first-deploy.md",
            "docs/security.md",
            "docs/simulation.md",
        ]);
    });

    for (const file of ["README.md", ...DOCS]) {
        it(`${file}: every relative link reaches a file, and every anchor a heading of it`, () => {
            const found = links(file);
            expect(found.length, "links found").to.be.above(0);
            for (const [to, hash] of found) {
                expect(fs.existsSync(path.join(ROOT, to)), `${file} → ${to}`).to.equal(true);
                if (hash !== undefined) expect(anchors(to), `${file} → ${to}#${hash}`).to.include(hash);
            }
        });
    }

    it("the README links each document", () => {
        const targets = links("README.md").map(([to]) => to);
        expect(targets).to.include.members(DOCS);
    });

    it("the README's first screen says what it is and gives the local, deploy and test commands", () => {
        const readme = read("README.md");
        const firstScreen = readme.slice(0, readme.indexOf("\n## ", readme.indexOf("## Quick start")));
        expect(firstScreen.split("\n").length).to.be.below(45);
        for (const command of [
            "npm ci",
            "npm run local",
            "pulumi config set notificationEmail",
            "pulumi preview",
            "pulumi up",
            "npm test",
        ]) {
            expect(firstScreen, command).to.contain(command);
        }
        expect(firstScreen, "the first-deploy checklist, beside the deploy commands").to.contain(
            "(docs/first-deploy.md)",
        );
    });

    it("the first-deploy checklist names only tests that exist, and a check for each stage", () => {
        const text = read(path.join("docs", "first-deploy.md"));
        const named = [...text.matchAll(/`((?:etl\/)?tests\/[^`*]+)`/g)].map((m) => m[1]);
        expect(named).to.have.length.above(5);
        for (const file of named) expect(fs.existsSync(path.join(ROOT, file)), file).to.equal(true);
        for (const check of [
            "pulumi preview --expect-no-changes",
            "aws sns list-subscriptions-by-topic",
            "npm run status --",
            "aws glue get-crawler",
            "aws glue get-job-runs",
            "aws logs filter-log-events",
            "aws athena start-query-execution",
        ]) {
            expect(text, check).to.contain(check);
        }
    });

    it("the README has each section an alarm's description sends an operator to", () => {
        const alarms = read(path.join("packages", "csv-to-parquet", "src", "components", "alarms.ts"));
        const sections = [...alarms.matchAll(/see the README, "([^"]+)"/g)].map((m) => m[1]);
        expect(sections).to.have.length.above(1);
        const headings = anchors("README.md");
        for (const section of sections) expect(headings, section).to.include(anchor(section));
    });
});
