// ESLint: typescript-eslint's recommended rules, plus Pulumi's rules against Outputs in template strings.
import tseslint from "typescript-eslint";
import pulumi from "@pulumi/eslint-plugin";

export default tseslint.config(
    { ignores: ["node_modules/", "packages/*/dist/", "bin/", "tests/.serialized/", "bench/.out/", "policy/node_modules/", ".venv/", ".local/"] },
    ...tseslint.configs.recommended,
    {
        files: ["**/*.ts"],
        languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
        },
    },
    {
        // Handlers load the Lambda runtime's SDK with `require` inside their bodies so that closure serialization
        // keeps it out of the archive; tests load the serialized handlers the same way.
        files: ["packages/csv-to-parquet/src/functions/**/*.ts", "tests/**/*.ts"],
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);
