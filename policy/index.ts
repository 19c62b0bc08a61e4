/* The policy pack `pulumi preview --policy-pack policy` loads. Tests import ./policies, never this module. */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES } from "./policies";

new PolicyPack("csv-to-parquet-security", {
    description: "Encryption, TLS-only access, least privilege and supported runtimes for the CSV to Parquet data lake",
    enforcementLevel: "mandatory",
    policies: POLICIES,
});
