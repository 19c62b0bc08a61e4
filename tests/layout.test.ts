/* Which folder may import which: the deployed program stands alone, and nothing outside tests/ imports from it. */
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..");

/** The TypeScript files under `dir` (or `dir` itself when it is a file), relative to the project root. */
function sources(dir: string): string[] {
    const full = path.join(ROOT, dir);
    if (fs.statSync(full).isFile()) {
        return [dir];
    }
    return fs
        .readdirSync(full, { withFileTypes: true })
        .filter((e) => !e.name.startsWith(".") && e.name !== "node_modules")
        .flatMap((e) =>
            e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : [],
        );
}

/** The top-level folders (or root modules, without ".ts") a file's relative imports, requires and dynamic imports reach. */
function reaches(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const specifiers = [...text.matchAll(/(?:from\s+|require\(|import\()"(\.{1,2}\/[^"]*)"/g)].map((m) => m[1]);
    return specifiers.map(
        (s) => path.relative(ROOT, path.resolve(path.join(ROOT, path.dirname(file)), s)).split(path.sep)[0],
    );
}

function importsOf(dirs: string[]): Set<string> {
    return new Set(dirs.flatMap(sources).flatMap(reaches));
}

/** The packages a file imports by name (its non-relative imports, requires and dynamic imports). */
function packagesOf(file: string): string[] {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    return [...text.matchAll(/(?:from\s+|require\(|import\()"([^."][^"]*)"/g)].map((m) => m[1]);
}

const PACKAGE = path.join("packages", "csv-to-parquet");

describe("Project layout", () => {
    const PROGRAM = ["index.ts", "config.ts", "stack.ts"];
    const PROGRAM_MODULES = ["index", "config", "stack"];

    it("finds the imports it checks", () => {
        expect([...importsOf(["bench"])]).to.include.members(["simulation", "testkit", "packages"]);
        expect([...importsOf(["stack.ts"])]).to.include.members(["config"]);
        expect(packagesOf("stack.ts")).to.include("csv-to-parquet");
    });

    it("the deployed program imports only itself, and the components as a user would: the package by name", () => {
        const outside = [...importsOf(PROGRAM)].filter((top) => !PROGRAM_MODULES.includes(top));
        expect(outside).to.deep.equal([]);
        const fromPackage = PROGRAM.flatMap(packagesOf).filter((p) => p.startsWith("csv-to-parquet"));
        expect(fromPackage.length).to.be.above(0);
        // Only the public entry: a deep import would reach what the package does not export.
        expect(fromPackage.filter((p) => p !== "csv-to-parquet")).to.deep.equal([]);
    });

    it("the package's source imports nothing outside its folder", () => {
        for (const file of sources(path.join(PACKAGE, "src"))) {
            const text = fs.readFileSync(path.join(ROOT, file), "utf8");
            for (const [, specifier] of text.matchAll(/(?:from\s+|require\(|import\()"(\.{1,2}\/[^"]*)"/g)) {
                const target = path.relative(
                    path.join(ROOT, PACKAGE),
                    path.resolve(path.dirname(path.join(ROOT, file)), specifier),
                );
                expect(target.startsWith(".."), `${file} imports ${specifier}`).to.equal(false);
            }
        }
    });

    it("the benchmark, the simulation, the test kit and the ops commands never import from tests/", () => {
        for (const dir of ["bench", "simulation", "testkit", "ops", "policy"]) {
            expect([...importsOf([dir])], dir).to.not.include("tests");
        }
    });

    it("the operator commands do not import the test kit, the simulation or the benchmark", () => {
        const reached = importsOf(["ops"]);
        for (const dir of ["testkit", "simulation", "bench"]) {
            expect(reached.has(dir), dir).to.equal(false);
        }
    });
});
