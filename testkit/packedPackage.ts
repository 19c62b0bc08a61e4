/* The components' npm package as `npm pack` makes it, for the pack-and-install test and the benchmark. */
import { spawnSync } from "child_process";
import * as path from "path";

export const PACKAGE_DIR = path.join(__dirname, "..", "packages", "csv-to-parquet");

/** What `npm pack --json` reports of a tarball. */
export interface Packed {
    /** The tarball's path. */
    file: string;
    /** Bytes of the tarball, and of its files unpacked. */
    size: number;
    unpackedSize: number;
    entryCount: number;
    /** The files in it, relative to the package folder. */
    files: string[];
}

/** Packs the package into `destination` (its prepack step builds it and copies in the Glue assets). */
export function packPackage(destination: string): Packed {
    const done = spawnSync("npm", ["pack", "--json", "--pack-destination", destination], {
        cwd: PACKAGE_DIR,
        encoding: "utf8",
        // npm, and the prepack step it runs, use the `node` on PATH: the one running this.
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH}` },
        maxBuffer: 64 * 1024 * 1024,
    });
    if (done.status !== 0) throw new Error(`npm pack failed:\n${done.stdout}${done.stderr}`);
    // Lifecycle scripts print before the JSON report.
    const report = JSON.parse(done.stdout.slice(done.stdout.indexOf("[\n"))) as {
        filename: string;
        size: number;
        unpackedSize: number;
        entryCount: number;
        files: { path: string }[];
    }[];
    const [packed] = report;
    return {
        file: path.join(destination, packed.filename),
        size: packed.size,
        unpackedSize: packed.unpackedSize,
        entryCount: packed.entryCount,
        files: packed.files.map((f) => f.path).sort(),
    };
}
