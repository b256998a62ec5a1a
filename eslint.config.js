// ESLint flat config (STYLE.md §11, §12, §15): type-aware typescript-eslint over src/ and test/.
// Formatting is Prettier's job (.prettierrc.json); nothing here restates a formatting rule.
import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import globals from "globals";
import tseslint from "typescript-eslint";

export default defineConfig(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "bench-results/**",
      "test-artifacts/**",
      "src/worker/**",
      "scripts/**",
      "examples/**",
      "static/**",
      "python/**",
      "fixtures/**",
      "bin/**",
    ],
  },
  // A disable comment that no longer silences anything goes (it would hide the next real finding).
  { linterOptions: { reportUnusedDisableDirectives: "error" } },
  {
    files: ["**/*.ts"],
    extends: [js.configs.recommended, tseslint.configs.recommended],
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // A promise nobody awaits loses its error (STYLE.md §12): await it, return it, or `void` it with a reason.
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/consistent-type-imports": "error",
      // `_name` marks a value left out on purpose (a rest-sibling drop, an unused callback parameter).
      "@typescript-eslint/no-unused-vars": [
        "error",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrorsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
      // Logging is injected (STYLE.md §11); only the CLI prints.
      "no-console": "error",
    },
  },
  {
    // The server's environment is read in config/ (config/host-env.ts) and handed down, never read
    // where it is used (issue 12): a worker's environment is built from the injected value.
    files: ["src/**/*.ts"],
    ignores: ["src/config/**", "src/cli*.ts"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read the environment in src/config/ (host-env.ts) and pass it down." },
      ],
      "no-restricted-imports": [
        "error",
        {
          paths: ["node:process", "process"].map((name) => ({
            name,
            importNames: ["env"],
            message: "Read the environment in src/config/ (host-env.ts) and pass it down.",
          })),
        },
      ],
    },
  },
  {
    // The CLI is the one place that prints and exits.
    files: ["src/cli.ts"],
    rules: { "no-console": "off" },
  },
  {
    files: ["eslint.config.js"],
    languageOptions: { globals: globals.node },
  },
);
