/* The closed sets a Glue job of this pipeline is configured from: DQDL rules, worker types, the Glue version,
   execution classes. */

/** A DQDL ruleset: "Rules = [ ... ]". */
export const DQDL_RULES = /^\s*Rules\s*=\s*\[[\s\S]*\]\s*$/;

/** Glue worker types accepted for a `glueetl` job. */
export const WORKER_TYPES = ["G.1X", "G.2X", "G.4X", "G.8X"] as const;
export type WorkerType = (typeof WORKER_TYPES)[number];

/** Worker types that the FLEX execution class can run on. */
export const FLEX_WORKER_TYPES: readonly WorkerType[] = ["G.1X", "G.2X"];

/**
 * The Glue version of every job, not a setting: the conversion core runs on Glue 5.0's Spark 3.5 and Python 3.11 (it
 * uses PySpark 3.5's API, e.g. bit_or, and is tested only there); Glue 4.0 (Spark 3.3, Python 3.10) would fail at
 * its first dataset.
 */
export const GLUE_VERSION = "5.0";

export const EXECUTION_CLASSES = ["STANDARD", "FLEX"] as const;
export type ExecutionClass = (typeof EXECUTION_CLASSES)[number];
