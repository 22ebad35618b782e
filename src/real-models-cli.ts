#!/usr/bin/env node
import { realModelsMain } from "./real-models/main.js";

process.exitCode = await realModelsMain(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr });
