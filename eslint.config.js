import js from "@eslint/js";
import prettier from "eslint-config-prettier";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", ".data/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "off",
    },
  },
  {
    // ARCHITECTURE: nothing in worker/, shared/ or slack/ imports sandbox/ (only composition roots
    // under sandbox/ and the tests do). Static imports, re-exports and dynamic import() alike.
    files: ["worker/**", "shared/**", "slack/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["**/sandbox", "**/sandbox/**"],
              message:
                "worker/, shared/ and slack/ must not import sandbox/ (only sandbox/*main.ts and tests may).",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "ImportExpression[source.value=/(^|\\/)sandbox(\\/|$)/]",
          message:
            "worker/, shared/ and slack/ must not import sandbox/ (only sandbox/*main.ts and tests may).",
        },
      ],
    },
  },
  {
    files: ["**/*.cjs"],
    languageOptions: { sourceType: "commonjs", globals: { module: "writable", require: "readonly" } },
  },
  prettier,
);
