#!/usr/bin/env node
import { defaultCliDeps } from "./cli/default-cli-deps.js";
import { main } from "./cli/main.js";

process.exitCode = await main(process.argv.slice(2), defaultCliDeps(process));
