import { ensurePrismaClient } from "./lib/setup.mjs";
ensurePrismaClient();
